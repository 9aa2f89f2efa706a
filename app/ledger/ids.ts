// Bead ids as Beads makes them, so a bead Gas Town creates looks like one `bd create` made and
// `bd` accepts the ledger as its own. One entry point for the pieces:
//   hash-id             one candidate: prefix + base36(sha256(...)), Go's UnixNano exactly
//   adaptive-id-length  how many digits, from how many top-level ids the prefix has
//   new-bead-id         the collision retry, and the -mol- / -wisp- prefixes
//   child-id            `<parent>.<n>` and the depth limit
//   id-prefix           which part of an id is its prefix
export { encodeBase36, hashId, unixNano, type HashIdInput } from "./hash-id.js";
export {
  adaptiveIdLength, countTopLevelIds, DEFAULT_MAX_COLLISION_PROBABILITY, DEFAULT_MAX_ID_LENGTH,
  DEFAULT_MIN_ID_LENGTH, type AdaptiveIdOptions,
} from "./adaptive-id-length.js";
export {
  BeadIdError, ID_INFIXES, idPrefixFor, mintHashId, newBeadId, NONCES_PER_LENGTH,
  type BeadIdKind, type HashIdBase, type NewBeadIdInput,
} from "./new-bead-id.js";
export {
  childNumber, ChildIdError, DEFAULT_MAX_DEPTH, hierarchyDepth, nextChildId, parentOf,
  type ChildIdOptions,
} from "./child-id.js";
export { issuePrefix, ledgerPrefix } from "./id-prefix.js";
