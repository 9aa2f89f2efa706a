// An issue taken into the ledger as a work bead, the one way both paths do it: the mirror's import
// of an issue opened (or labelled for the mirror) and a sling of an issue not in the ledger yet.
// The bead is `bd github sync`'s (beadFromIssue), linked by `external_ref`, and it records what
// both sides agree on right now (`synced`) and the issue's database id (`issue_id`, which the
// sub-issue and dependency APIs take), so the mirror never reads its first change as a conflict.
import type { Bead } from "../ledger/bead-schema.js";
import { withGastownMetadata } from "../molecules/gastown-metadata.js";
import { syncedAtCreation } from "./bead-issue-sync.js";

/** The key of `metadata.gastown` that holds the issue's database id. */
export const ISSUE_ID_KEY = "issue_id";

/** `bead`, just made from its issue, recorded as synced with it and linked to its database id. */
export function linkedAtImport(bead: Bead, issueId: number | undefined): Bead {
  const synced = syncedAtCreation(bead);
  return issueId === undefined ? synced : withGastownMetadata(synced, { [ISSUE_ID_KEY]: issueId });
}
