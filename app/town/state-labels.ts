// The labels Gas Town sets to show state (DESIGN §7): `status::<status>` as `bd github sync`
// shows a bead's status, and its own `gt:` markers. Setting them is an answer, never a request,
// so the App does not read its config for them.
import { isScopedLabel } from "../mirror/sync-labels.js";

export const HOOKED_LABEL = "status::hooked";
export const WAITING_LABEL = "gt:waiting";
export const ESCALATED_LABEL = "gt:escalated";

export function isStateLabel(label: string): boolean {
  return isScopedLabel(label) || label === WAITING_LABEL || label === ESCALATED_LABEL;
}
