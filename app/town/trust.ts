// Who may drive the town (DESIGN invariant 7): a person with at least the configured
// repository permission (write by default); a bot only when the config lists it. Pure: the
// caller asks GitHub for the sender's permission (app/github/permissions.ts) and passes it in.
import type { GastownConfig } from "../config/config-schema.js";

export type RepositoryRole = "read" | "triage" | "write" | "maintain" | "admin";

const RANK: Readonly<Record<RepositoryRole, number>> = { read: 1, triage: 2, write: 3, maintain: 4, admin: 5 };

export interface Sender {
  readonly login: string;
  /** `Bot` for GitHub Apps and other automation, as webhook payloads say. */
  readonly type: string;
}

export type TrustDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly reason: string };

/**
 * `role` is the sender's role on the repository (`role_name` from the collaborator-permission
 * API: it tells `maintain` and `triage` apart, which `permission` does not), or undefined when
 * the sender is no collaborator.
 */
export function mayDrive(sender: Sender, role: string | undefined, trust: GastownConfig["trust"]): TrustDecision {
  if (sender.type === "Bot" && !trust.allowed_bots.includes(sender.login)) {
    return { allowed: false, reason: `@${sender.login} is a bot; bots drive Gas Town only when listed in trust.allowed_bots` };
  }
  if (sender.type === "Bot") return { allowed: true };
  const rank = role !== undefined && role in RANK ? RANK[role as RepositoryRole] : 0;
  if (rank >= RANK[trust.permission]) return { allowed: true };
  return {
    allowed: false,
    reason: `@${sender.login} has ${role === undefined || rank === 0 ? "no" : role} access to this repository; ` +
      `driving Gas Town here takes ${trust.permission} (trust.permission in .github/gastown.yml)`,
  };
}
