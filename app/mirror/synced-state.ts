// What the mirror last saw both sides agree on, per field, kept on the bead as
// `metadata.gastown.synced` so a 3-way merge (field-merge.ts) can tell which side changed what.
//
// Each field keeps a short hash of its value. Short fields keep the value too (a set merge
// needs the base's elements), but long text never does: every ledger write uploads the whole
// file, and a body can be 65,536 characters, so a body is stored once, as the bead's
// description, and never again here. A title keeps its value up to MAX_STORED_TITLE characters.
//
//   "synced": { "title": { "hash": "3f2a…", "value": "Fix the login" }, "body": { "hash": "9c0e…" },
//               "labels": { "hash": "…", "value": ["bug", "ui"] }, … }
import { createHash } from "node:crypto";
import type { Bead } from "../ledger/bead-schema.js";
import { jsonEqual } from "../ledger/json-equal.js";
import { gastownMetadata, withGastownMetadata } from "../molecules/gastown-metadata.js";
import {
  MIRRORED_FIELDS, canonicalValue, isFieldValue, type MirroredField, type MirroredFields,
} from "./mirrored-fields.js";

/** The key of `metadata.gastown` the state is kept under. */
export const SYNCED_KEY = "synced";

/** 64 bits of sha-256: a chance collision between two versions of one field is out of reach. */
const HASH_HEX_CHARS = 16;

/** GitHub's own limit on a title: any title it holds fits. */
export const MAX_STORED_TITLE = 256;

export interface SyncedField<F extends MirroredField = MirroredField> {
  readonly hash: string;
  /** The value itself, for every field but the body and a title longer than MAX_STORED_TITLE. */
  readonly value?: MirroredFields[F];
}

/** Per field; a field missing has never been synced (or its record was unreadable). */
export type SyncedState = { readonly [F in MirroredField]?: SyncedField<F> };

/** The short hash of a field's value; sets hash as sets. */
export function fieldHash<F extends MirroredField>(field: F, value: MirroredFields[F]): string {
  const text = JSON.stringify(canonicalValue(field, value));
  return createHash("sha256").update(text, "utf8").digest("hex").slice(0, HASH_HEX_CHARS);
}

function keepsValue<F extends MirroredField>(field: F, value: MirroredFields[F]): boolean {
  if (field === "body") return false;
  if (field === "title") return (value as string).length <= MAX_STORED_TITLE;
  return true;
}

/** The record of one field synced at `value`. */
export function syncedField<F extends MirroredField>(field: F, value: MirroredFields[F]): SyncedField<F> {
  const hash = fieldHash(field, value);
  return keepsValue(field, value) ? { hash, value: canonicalValue(field, value) } : { hash };
}

/** Whether the field, as last synced, held `value`. */
export function syncedHolds<F extends MirroredField>(
  record: SyncedField<F> | undefined, field: F, value: MirroredFields[F],
): boolean {
  return record !== undefined && record.hash === fieldHash(field, value);
}

/** The state of every field synced at `fields`. */
export function syncedState(fields: MirroredFields): SyncedState {
  const state: Record<string, SyncedField> = {};
  for (const field of MIRRORED_FIELDS) state[field] = syncedField(field, fields[field]);
  return state as SyncedState;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * One field's record as the ledger holds it, or undefined when it is not one this module
 * writes: a malformed hash, a value of the wrong type, or a value its hash does not match
 * (someone edited one and not the other). An unreadable record counts as never synced, which
 * the merge treats as both sides changed: it decides by the field's rule and drops nothing.
 */
function readField<F extends MirroredField>(field: F, stored: unknown): SyncedField<F> | undefined {
  if (!isRecord(stored) || typeof stored.hash !== "string" || !/^[0-9a-f]{16}$/.test(stored.hash)) {
    return undefined;
  }
  if (stored.value === undefined) return { hash: stored.hash };
  const value = stored.value;
  if (!isFieldValue(field, value) || fieldHash(field, value) !== stored.hash) return undefined;
  return { hash: stored.hash, value: canonicalValue(field, value) };
}

/** What the bead records as last synced; empty for a bead never mirrored. */
export function readSynced(bead: Bead): SyncedState {
  const stored = gastownMetadata(bead)[SYNCED_KEY];
  if (!isRecord(stored)) return {};
  const state: Record<string, SyncedField> = {};
  for (const field of MIRRORED_FIELDS) {
    const record = Object.hasOwn(stored, field) ? readField(field, stored[field]) : undefined;
    if (record !== undefined) state[field] = record;
  }
  return state as SyncedState;
}

/**
 * The bead recording `state` as last synced. The very same bead when it records it already,
 * so a caller that compares can skip the write and bump no `updated_at`.
 */
export function withSynced(bead: Bead, state: SyncedState): Bead {
  if (jsonEqual(gastownMetadata(bead)[SYNCED_KEY], state)) return bead;
  return withGastownMetadata(bead, { [SYNCED_KEY]: state });
}
