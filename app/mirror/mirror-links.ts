// A work bead's links as GitHub shows them: its `parent-child` dependency as the parent issue's
// sub-issue, its `blocks` dependencies as the blocked-by dependencies of its issue. Only links
// whose both ends are mirrored count. What both sides last agreed on is kept on the bead as
// `metadata.gastown.synced_links` (`{ parent: "<id>", blocked_by: ["<id>", …] }`, keys absent
// when empty), so the ledger→GitHub pass sends only what the ledger changed since: a link the
// ledger added is added, one it removed is removed, and one GitHub changed is left for the
// GitHub→ledger direction to take in.
import type { Bead } from "../ledger/bead-schema.js";
import { compareIds, type Ledger } from "../ledger/ledger.js";
import { jsonEqual } from "../ledger/json-equal.js";
import { gastownMetadata, withGastownMetadata } from "../molecules/gastown-metadata.js";

export const SYNCED_LINKS_KEY = "synced_links";
/** A parent GitHub would not take (full, or the child has another parent): `{ parent, why }`. */
export const UNLINKED_KEY = "mirror_unlinked";

export interface BeadLinks {
  /** The parent bead's id; undefined when it has none. */
  readonly parent?: string;
  /** Ids of the beads that block it, sorted, once each. */
  readonly blocked_by: readonly string[];
}

export const NO_LINKS: BeadLinks = { blocked_by: [] };

/** The bead's links in the ledger to other beads `mirrored` accepts. */
export function ledgerLinks(ledger: Ledger, bead: Bead, mirrored: (bead: Bead) => boolean): BeadLinks {
  const parents: string[] = [];
  const blockers = new Set<string>();
  for (const dependency of bead.dependencies ?? []) {
    if (dependency.issue_id !== bead.id || dependency.depends_on_id === bead.id) continue;
    const other = ledger.get(dependency.depends_on_id);
    if (other === undefined || !mirrored(other)) continue;
    if (dependency.type === "parent-child") parents.push(other.id);
    else if (dependency.type === "blocks") blockers.add(other.id);
  }
  // A bead has one parent; should a merge have left two, the smallest id is the one mirrored.
  const parent = parents.sort(compareIds)[0];
  return { ...(parent !== undefined ? { parent } : {}), blocked_by: [...blockers].sort(compareIds) };
}

function isIdList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((id) => typeof id === "string");
}

/** What the bead records as last agreed with GitHub; no links when it records none. */
export function syncedLinks(bead: Bead): BeadLinks {
  const stored = gastownMetadata(bead)[SYNCED_LINKS_KEY] as { parent?: unknown; blocked_by?: unknown } | undefined;
  if (typeof stored !== "object" || stored === null) return NO_LINKS;
  const parent = typeof stored.parent === "string" ? stored.parent : undefined;
  const blockedBy = isIdList(stored.blocked_by) ? [...new Set(stored.blocked_by)].sort(compareIds) : [];
  return { ...(parent !== undefined ? { parent } : {}), blocked_by: blockedBy };
}

/** The record as stored: keys absent when empty; undefined when there are no links at all. */
function storedLinks(links: BeadLinks): Record<string, unknown> | undefined {
  const stored: Record<string, unknown> = {};
  if (links.parent !== undefined) stored.parent = links.parent;
  if (links.blocked_by.length > 0) stored.blocked_by = [...links.blocked_by].sort(compareIds);
  return Object.keys(stored).length === 0 ? undefined : stored;
}

/** The bead recording `links` as agreed; the very same bead when it records them already. */
export function withSyncedLinks(bead: Bead, links: BeadLinks): Bead {
  const stored = storedLinks(links);
  const current = gastownMetadata(bead)[SYNCED_LINKS_KEY];
  if (jsonEqual(current ?? null, stored ?? null)) return bead;
  return withGastownMetadata(bead, { [SYNCED_LINKS_KEY]: stored });
}

/** The parent the mirror could not link on GitHub, recorded so it is not asked again every pass. */
export function unlinkedParent(bead: Bead): string | undefined {
  const stored = gastownMetadata(bead)[UNLINKED_KEY] as { parent?: unknown } | undefined;
  return typeof stored === "object" && stored !== null && typeof stored.parent === "string" ? stored.parent : undefined;
}

export interface LinkChanges {
  /** The parent to link the bead's issue under, and whether it had another (synced) one to leave. */
  readonly parent: { readonly add?: string; readonly remove?: string };
  readonly blockedBy: { readonly add: readonly string[]; readonly remove: readonly string[] };
}

/** Whether there is nothing to send. */
export function noLinkChanges(changes: LinkChanges): boolean {
  return changes.parent.add === undefined && changes.parent.remove === undefined &&
    changes.blockedBy.add.length === 0 && changes.blockedBy.remove.length === 0;
}

/**
 * What the ledger changed since the last sync, to send GitHub: the ledger's side of the 3-way
 * set merge (GitHub's side comes in by its own events). A parent already found unlinkable is
 * not asked for again until the ledger names another.
 */
export function linkChanges(ledger: BeadLinks, synced: BeadLinks, unlinkable?: string): LinkChanges {
  let parent: { add?: string; remove?: string } = {};
  if (ledger.parent !== synced.parent) {
    const add = ledger.parent !== undefined && ledger.parent !== unlinkable ? ledger.parent : undefined;
    parent = { ...(add !== undefined ? { add } : {}), ...(synced.parent !== undefined ? { remove: synced.parent } : {}) };
  }
  const had = new Set(synced.blocked_by);
  const has = new Set(ledger.blocked_by);
  return {
    parent,
    blockedBy: { add: ledger.blocked_by.filter((id) => !had.has(id)), remove: synced.blocked_by.filter((id) => !has.has(id)) },
  };
}

/** The beads whose links name one of `ids`: their links may wait on those beads' issues. */
export function beadsLinkingTo(ledger: Ledger, ids: ReadonlySet<string>): string[] {
  const found: string[] = [];
  for (const bead of ledger.beads()) {
    const links = bead.dependencies ?? [];
    if (links.some((d) => d.issue_id === bead.id && (d.type === "parent-child" || d.type === "blocks") && ids.has(d.depends_on_id))) found.push(bead.id);
  }
  return found;
}
