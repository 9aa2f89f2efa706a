// The emulator's first state, and the steps a test takes to furnish it: install the App on an
// account, add repositories and collaborators. These are the test's own moves, so they fail
// with an Error (a broken test setup) rather than a GitHub status.
import { ACTIONS_BOT, ensureAccount } from "./accounts.js";
import type { AccountType, AppPermissions, EmulatorState, InstallationRecord, RepoRecord, Role } from "./model.js";
import { allocateId, nodeId } from "./result.js";

export type AppSetup = {
  id: number;
  slug: string;
  name: string;
  owner: string;
  clientId: string;
  publicKeyPem: string;
  webhookSecret: string;
  permissions: AppPermissions;
  events: string[];
};

// Ids below this are reserved for fixed records (the App, the Actions bot), so allocated ids
// never collide with them.
const FIRST_ALLOCATED_ID = 1_000;

export function initialState(app: AppSetup, at: string): EmulatorState {
  const state: EmulatorState = {
    nextId: FIRST_ALLOCATED_ID,
    accounts: { [ACTIONS_BOT.login]: { ...ACTIONS_BOT } },
    app: { ...app, createdAt: at, botLogin: `${app.slug}[bot]` },
    installations: [],
    tokens: {},
    repos: {},
  };
  ensureAccount(state, app.owner, "Organization");
  ensureAccount(state, state.app.botLogin, "Bot");
  return state;
}

export function addAccount(state: EmulatorState, login: string, type: AccountType = "User"): EmulatorState {
  const draft = structuredClone(state);
  ensureAccount(draft, login, type);
  return draft;
}

export type RepoSetup = { owner: string; name: string; private?: boolean; defaultBranch?: string; description?: string | null };

export function addRepo(state: EmulatorState, setup: RepoSetup, at: string): EmulatorState {
  const fullName = `${setup.owner}/${setup.name}`;
  if (state.repos[fullName]) throw new Error(`repository ${fullName} exists already`);
  const draft = structuredClone(state);
  const owner = ensureAccount(draft, setup.owner, state.accounts[setup.owner]?.type ?? "Organization");
  const id = allocateId(draft);
  const repo: RepoRecord = {
    id,
    nodeId: nodeId("Repository", id),
    owner: setup.owner,
    name: setup.name,
    private: setup.private ?? true,
    description: setup.description ?? null,
    defaultBranch: setup.defaultBranch ?? "main",
    createdAt: at,
    updatedAt: at,
    pushedAt: at,
    // A user owns their repositories outright; an organization's are reached through roles.
    collaborators: owner.type === "User" ? { [setup.owner]: "admin" } : {},
    labels: [],
    issues: [],
    nextNumber: 1,
    checkRuns: [],
    workflows: [],
    runs: [],
    statuses: [],
    rulesets: [],
  };
  draft.repos[fullName] = repo;
  for (const installation of draft.installations) {
    if (installation.account === setup.owner && installation.repositorySelection === "all") {
      installation.repositories.push(fullName);
    }
  }
  return draft;
}

export function setCollaborator(state: EmulatorState, fullName: string, login: string, role: Role | null): EmulatorState {
  if (!state.repos[fullName]) throw new Error(`no repository ${fullName}`);
  const draft = structuredClone(state);
  ensureAccount(draft, login);
  const repo = draft.repos[fullName] as RepoRecord;
  if (role === null) delete repo.collaborators[login];
  else repo.collaborators[login] = role;
  return draft;
}

export type InstallSetup = {
  account: string;
  /** Repository names (without owner) for a "selected" installation; omit for all. */
  repositories?: string[];
  permissions?: AppPermissions;
  events?: string[];
};

export function install(state: EmulatorState, setup: InstallSetup, at: string): { state: EmulatorState; installation: InstallationRecord } {
  if (state.installations.some((i) => i.account === setup.account)) throw new Error(`the App is installed on ${setup.account} already`);
  const draft = structuredClone(state);
  ensureAccount(draft, setup.account, state.accounts[setup.account]?.type ?? "Organization");
  const owned = Object.values(draft.repos).filter((r) => r.owner === setup.account).map((r) => `${r.owner}/${r.name}`);
  const installation: InstallationRecord = {
    id: allocateId(draft),
    account: setup.account,
    permissions: setup.permissions ?? draft.app.permissions,
    events: setup.events ?? draft.app.events,
    repositorySelection: setup.repositories === undefined ? "all" : "selected",
    repositories: setup.repositories === undefined ? owned : setup.repositories.map((name) => `${setup.account}/${name}`),
    createdAt: at,
    updatedAt: at,
  };
  draft.installations.push(installation);
  return { state: draft, installation };
}

/**
 * Adds and removes repositories (names without owner) of a "selected" installation; returns
 * the full names that really changed.
 */
export function changeInstallationRepositories(
  state: EmulatorState,
  installationId: number,
  add: readonly string[],
  remove: readonly string[],
  at: string,
): { state: EmulatorState; added: string[]; removed: string[] } {
  const draft = structuredClone(state);
  const installation = draft.installations.find((i) => i.id === installationId);
  if (!installation) throw new Error(`no installation ${installationId}`);
  if (installation.repositorySelection !== "selected") throw new Error(`installation ${installationId} has all repositories`);
  const named = (names: readonly string[]) =>
    names.map((name) => {
      const fullName = `${installation.account}/${name}`;
      if (!draft.repos[fullName]) throw new Error(`no repository ${fullName}`);
      return fullName;
    });
  const added = named(add).filter((r) => !installation.repositories.includes(r));
  const removed = named(remove).filter((r) => installation.repositories.includes(r) && !added.includes(r));
  installation.repositories = [...installation.repositories.filter((r) => !removed.includes(r)), ...added];
  if (added.length + removed.length > 0) installation.updatedAt = at;
  return { state: draft, added, removed };
}
