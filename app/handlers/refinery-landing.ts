// Landing a green batch, and reading its refinery pull request (issue 17).
//   - With a refinery pull request (review mode, or direct mode fallen back to one): merged with
//     `refinery.merge_method` at the tested commit (`sha`, so a branch that moved is refused, not
//     merged untested). 405 is GitHub saying a rule is not met yet (approvals, checks): the batch
//     waits in review, saying why.
//   - Direct mode: the base moved to the staging commit without force (`PATCH …/git/refs`, a
//     fast-forward, since the staging branch was built on the base's tip). A base that moved since
//     means the batch is built again; a rule refusing the move ("changes must be made through a
//     pull request", unless the App bypasses it) turns the batch into a refinery pull request.
// Landing is confirmed before it is tried, so a step that died after landing and before
// recording it is finished by the next, never landed twice.
import { branchTip } from "../github/branch-refs.js";
import { refusalOf, statusOf } from "../github/github-client.js";
import { repositoryRole } from "../github/permissions.js";
import type { TrialState } from "../town/refinery.js";
import { TESTING_HEADLINE, type BatchLine } from "../town/refinery-texts.js";
import { mayDrive } from "../town/trust.js";
import type { TownEvent } from "./repository-town.js";

export interface RefineryPull {
  readonly number: number;
  readonly state: "open" | "closed";
  readonly merged: boolean;
  readonly mergeSha?: string;
  /** Approved by someone trusted to drive the town, with no change requested since by anyone. */
  readonly approved: boolean;
  /** Whether its body still says the batch is being tested (refinery-texts.ts). */
  readonly showsTesting: boolean;
}

export async function readRefineryPull(town: TownEvent, number: number): Promise<RefineryPull | undefined> {
  const repo = { owner: town.owner, repo: town.repo };
  let pull: { state: string; merged?: boolean; merge_commit_sha?: string | null; body?: string | null };
  try {
    pull = (await town.github.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", { ...repo, pull_number: number })).data as typeof pull;
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
  const merged = pull.merged === true;
  const base = {
    number, state: pull.state === "closed" ? "closed" as const : "open" as const, merged, showsTesting: (pull.body ?? "").includes(TESTING_HEADLINE),
    ...(merged && pull.merge_commit_sha ? { mergeSha: pull.merge_commit_sha } : {}),
  };
  if (pull.state === "closed") return { ...base, approved: false };
  return { ...base, approved: await approvedByTrusted(town, number) };
}

/** Each reviewer's latest verdict; approved when a trusted one approves and nobody asks for changes. */
async function approvedByTrusted(town: TownEvent, number: number): Promise<boolean> {
  const { data } = await town.github.request("GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews", { owner: town.owner, repo: town.repo, pull_number: number, per_page: 100 });
  const latest = new Map<string, { state: string; type: string }>();
  for (const review of data as { state: string; user: { login: string; type: string } | null }[]) {
    if (review.user === null || review.state === "COMMENTED" || review.state === "PENDING") continue;
    latest.set(review.user.login, { state: review.state, type: review.user.type });
  }
  if ([...latest.values()].some((review) => review.state === "CHANGES_REQUESTED")) return false;
  for (const [login, review] of latest) {
    if (review.state !== "APPROVED") continue;
    const role = review.type === "Bot" ? undefined : await repositoryRole(town.github, town.owner, town.repo, login);
    if (mayDrive({ login, type: review.type }, role, town.config.trust).allowed) return true;
  }
  return false;
}

export type Landing =
  | { readonly kind: "landed"; readonly sha: string; readonly where: string }
  | { readonly kind: "base-moved" }
  /** Direct mode refused by a rule: the batch goes to review on a refinery pull request. */
  | { readonly kind: "to-review"; readonly why: string }
  /** GitHub will not merge the refinery pull request yet. */
  | { readonly kind: "refused"; readonly why: string };

export async function landBatch(town: TownEvent, batch: { readonly base: string; readonly trial: TrialState; readonly lines: readonly BatchLine[]; readonly method: "merge" | "squash" | "rebase" }): Promise<Landing> {
  const { trial, base } = batch;
  const repo = { owner: town.owner, repo: town.repo };
  const staging = trial.stagingSha as string;
  if (trial.pr !== undefined) {
    const number = trial.pr;
    const pull = await readRefineryPull(town, number);
    if (pull?.merged) return { kind: "landed", sha: pull.mergeSha ?? staging, where: `#${number}` };
    // The base moved: perhaps by this very batch, its pull request merged since it was read by
    // another pass (a replica, the approval's event beside a patrol's wake). Rebuilt, it would
    // land nothing and hold the queue.
    const movedOrLanded = async (): Promise<Landing> => {
      const now = await readRefineryPull(town, number);
      return now?.merged ? { kind: "landed", sha: now.mergeSha ?? staging, where: `#${number}` } : { kind: "base-moved" };
    };
    if ((await branchTip(town.github, repo, base)) !== trial.baseSha) return await movedOrLanded();
    try {
      const { data } = await town.github.request("PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge", {
        ...repo, pull_number: number, sha: staging, merge_method: batch.method,
        commit_title: `Land ${batch.lines.map((line) => `#${line.request.number}`).join(", ")} (refinery batch ${trial.attempt}, #${trial.pr})`.slice(0, 250),
      });
      return { kind: "landed", sha: (data as { sha: string }).sha, where: `#${number}` };
    } catch (error) {
      const status = statusOf(error);
      if (status === 405) return { kind: "refused", why: oneLine(refusalOf(error)) };
      if (status === 409) return await movedOrLanded();
      throw error;
    }
  }
  const tip = await branchTip(town.github, repo, base);
  if (tip === staging) return { kind: "landed", sha: staging, where: `\`${base}\` at ${staging.slice(0, 12)}` };
  if (tip !== trial.baseSha) return { kind: "base-moved" };
  try {
    await town.github.request("PATCH /repos/{owner}/{repo}/git/refs/{ref}", { ...repo, ref: `heads/${base}`, sha: staging, force: false });
    return { kind: "landed", sha: staging, where: `\`${base}\` at ${staging.slice(0, 12)}` };
  } catch (error) {
    const status = statusOf(error);
    const why = oneLine(refusalOf(error));
    if (status === 422 && /fast.forward/i.test(why)) return { kind: "base-moved" };
    if (status === 422 || status === 403 || status === 409) return { kind: "to-review", why };
    throw error;
  }
}

/** GitHub's message on one line, as it is said in a sentence (rule violations come in paragraphs). */
function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim().replace(/\.+$/, "");
}
