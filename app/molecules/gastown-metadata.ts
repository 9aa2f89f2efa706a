// `metadata.gastown` on a bead: Gas Town's links and state (DESIGN §7). Beads keeps `metadata`
// as it is, so everything else a bead's metadata holds is left untouched.
import type { Bead } from "../ledger/bead-schema.js";

export type GastownMetadata = Readonly<Record<string, unknown>>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function gastownMetadata(bead: Bead): GastownMetadata {
  const metadata = bead.metadata;
  return isRecord(metadata) && isRecord(metadata.gastown) ? metadata.gastown : {};
}

/** A string field of `metadata.gastown`, or undefined. */
export function gastownString(bead: Bead, field: string): string | undefined {
  const value = gastownMetadata(bead)[field];
  return typeof value === "string" ? value : undefined;
}

/** The bead with `metadata.gastown` patched: undefined values remove their field. */
export function withGastownMetadata(bead: Bead, patch: Readonly<Record<string, unknown>>): Bead {
  const metadata = isRecord(bead.metadata) ? bead.metadata : {};
  const gastown: Record<string, unknown> = { ...gastownMetadata(bead) };
  for (const [field, value] of Object.entries(patch)) {
    if (value === undefined) delete gastown[field];
    else gastown[field] = value;
  }
  return { ...bead, metadata: { ...metadata, gastown } };
}
