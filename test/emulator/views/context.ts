// What every view needs: the state to look records up in and the emulator's URLs.
import type { Account, EmulatorState, RepoRecord } from "../state/model.js";
import { ACTIONS_BOT } from "../state/accounts.js";
import { simpleUser, type SimpleUser } from "./users.js";
import type { Urls } from "./urls.js";

export type ViewContext = { state: EmulatorState; urls: Urls };

export function accountFor(view: ViewContext, login: string): Account {
  // Every login a record holds was added through ensureAccount; the fallback keeps a view of a
  // half-built test state readable instead of crashing inside a response.
  return view.state.accounts[login] ?? (login === ACTIONS_BOT.login ? ACTIONS_BOT : { login, id: 0, nodeId: "", type: "User" });
}

export function userView(view: ViewContext, login: string): SimpleUser {
  return simpleUser(view.urls, accountFor(view, login));
}

export function repoRecord(view: ViewContext, fullName: string): RepoRecord {
  const repo = view.state.repos[fullName];
  if (!repo) throw new Error(`view of unknown repository ${fullName}`);
  return repo;
}

export const fullNameOf = (repo: RepoRecord): string => `${repo.owner}/${repo.name}`;
