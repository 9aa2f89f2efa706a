// Events that wake the refinery (app/town/refinery-wake.ts says which): each runs its one
// level-triggered step over the woken base's queue. An event of no staging branch costs nothing.
import type { AppDependencies } from "./app-dependencies.js";
import type { GitHubEvent } from "./issue-events.js";
import { runRefinery } from "./refinery-run.js";
import type { RepositoryRef } from "./repository-town.js";
import { refineryWakeOf, type WakePayload } from "../town/refinery-wake.js";

export interface RepositoryPayload {
  readonly repository: { readonly name: string; readonly owner: { readonly login: string }; readonly default_branch: string };
}

/** Whether the event was one for the refinery, which it then woke. */
export async function wakeRefinery(event: GitHubEvent, deps: AppDependencies, botLogin: () => Promise<string>): Promise<boolean> {
  const payload = event.payload as WakePayload & RepositoryPayload;
  const base = refineryWakeOf(event.name, payload);
  if (base === undefined) return false;
  await refineBase(repositoryRef(event, payload), deps, await botLogin(), base);
  return true;
}

/** The refinery's step over `base`'s queue. */
export async function refineBase(ref: RepositoryRef, deps: AppDependencies, botLogin: string, base: string): Promise<void> {
  await (deps.refinery ?? runRefinery)(ref, deps, botLogin, { base });
}

/**
 * The refinery's step after something was queued, so a batch need not wait for the clock. It is a
 * courtesy: a failure of the refinery's is not the queueing's, which has already been answered,
 * and the patrol's next pass carries the queue on (and fails where it can be seen).
 */
export async function refineSoon(town: RepositoryRef & { readonly deps: AppDependencies; readonly botLogin: string }, base: string): Promise<void> {
  await refineBase(town, town.deps, town.botLogin, base).catch(() => undefined);
}

export function repositoryRef(event: GitHubEvent, payload: RepositoryPayload): RepositoryRef {
  return { github: event.github, owner: payload.repository.owner.login, repo: payload.repository.name, defaultBranch: payload.repository.default_branch };
}
