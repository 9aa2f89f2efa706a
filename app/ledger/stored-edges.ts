// Which of a bead's listed dependencies Beads would hold as edges. `bd import` stores one edge
// per (bead, target) and keeps the first it meets (`ON DUPLICATE KEY UPDATE type = type` in
// `internal/storage/issueops/create.go`), so a later dependency on the same target does not
// count, whatever its type.
import type { Dependency } from "./bead-schema.js";

export function isStoredEdge(deps: readonly Dependency[], at: number): boolean {
  const target = (deps[at] as Dependency).depends_on_id;
  for (let k = 0; k < at; k++) if ((deps[k] as Dependency).depends_on_id === target) return false;
  return true;
}
