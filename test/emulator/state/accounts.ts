// Accounts: users, organizations and bots. A login is known once the test adds it or an App
// installs; GitHub's `sender` and `user` fields are rendered from these records.
import type { Account, AccountType, EmulatorState } from "./model.js";
import { allocateId, nodeId } from "./result.js";

/** The account of GitHub Actions' own App, as `sender` of what a GITHUB_TOKEN does. */
export const ACTIONS_BOT: Readonly<Account> = Object.freeze({
  login: "github-actions[bot]",
  id: 41_898_282, // the real account's id, so payloads look like GitHub's
  nodeId: "MDM6Qm90NDE4OTgyODI=",
  type: "Bot",
});

/** The id of GitHub Actions' own App on github.com, which owns what a GITHUB_TOKEN makes. */
export const ACTIONS_APP_ID = 15368;

/** Adds an account to a draft (no-op if the login exists) and returns it. */
export function ensureAccount(draft: EmulatorState, login: string, type: AccountType = "User"): Account {
  const existing = draft.accounts[login];
  if (existing) return existing;
  const id = allocateId(draft);
  const account: Account = { login, id, nodeId: nodeId(type, id), type };
  draft.accounts[login] = account;
  return account;
}
