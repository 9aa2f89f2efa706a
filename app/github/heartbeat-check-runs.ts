// The heartbeat check runs polecats write (DESIGN §7), read back: GitHub sends no webhook when
// a check run's output changes, so the App lists them when it wants to know. GitHub's answers
// only; what a heartbeat says is app/town/heartbeat.ts's to read.
import { unlessAbsent, type GitHubClient } from "./github-client.js";
import type { RepoRef } from "./issue-comments.js";

export interface CheckRunSummary {
  id: number;
  name: string;
  /** The App the check run belongs to; only it can change the run. */
  app: { slug?: string } | null;
  external_id: string | null;
  status: string;
  conclusion: string | null;
  html_url: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
}

// GitHub's largest page. A polecat branch carries one heartbeat per attempt at its tip.
const PER_PAGE = 100;

/**
 * The newest check run named `checkName` with `external_id` `externalId`, made by the App
 * `appSlug`, on the tip of `ref` (a branch), or undefined when there is none, or no such branch
 * yet (GitHub answers 422 for a ref it cannot resolve). Every run of the name is listed
 * (`filter: all`), not just the newest, so an earlier attempt's heartbeat is still found on a
 * commit a later attempt also beats on. The App matters: anyone who can write checks can make a
 * run of any name, but only the App that made one can change it.
 */
export async function findCheckRun(
  github: GitHubClient, repo: RepoRef & { ref: string; checkName: string; externalId: string; appSlug: string },
): Promise<CheckRunSummary | undefined> {
  const answer = await unlessAbsent(() => github.request("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", {
    owner: repo.owner, repo: repo.repo, ref: repo.ref, check_name: repo.checkName, filter: "all", per_page: PER_PAGE,
  }), undefined, [404, 422]);
  if (answer === undefined) return undefined;
  return (answer.data as { check_runs: CheckRunSummary[] }).check_runs
    .filter((run) => run.name === repo.checkName && run.external_id === repo.externalId && run.app?.slug === repo.appSlug)
    .reduce<CheckRunSummary | undefined>((newest, run) => (newest === undefined || run.id > newest.id ? run : newest), undefined);
}
