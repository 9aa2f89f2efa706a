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

export interface CheckRunOutput {
  readonly title: string;
  readonly summary: string;
  readonly text?: string;
}

export type CheckConclusion = "success" | "failure" | "neutral" | "cancelled";

/** A new check run on commit `headSha`, in progress, or completed with `conclusion`; its id. */
export async function createCheckRun(
  github: GitHubClient,
  repo: RepoRef & { name: string; headSha: string; externalId: string; detailsUrl?: string; output: CheckRunOutput; conclusion?: CheckConclusion },
): Promise<number> {
  const { data } = await github.request("POST /repos/{owner}/{repo}/check-runs", {
    owner: repo.owner, repo: repo.repo, name: repo.name, head_sha: repo.headSha, external_id: repo.externalId,
    ...(repo.conclusion ? { status: "completed", conclusion: repo.conclusion } : { status: "in_progress" }),
    ...(repo.detailsUrl ? { details_url: repo.detailsUrl } : {}), output: capOutput(repo.output),
  });
  return (data as { id: number }).id;
}

/** The check run's output changed, and, with a conclusion, the run completed. */
export async function updateCheckRun(
  github: GitHubClient, repo: RepoRef & { id: number; output: CheckRunOutput; conclusion?: CheckConclusion },
): Promise<void> {
  await github.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
    owner: repo.owner, repo: repo.repo, check_run_id: repo.id, output: capOutput(repo.output),
    ...(repo.conclusion ? { conclusion: repo.conclusion } : {}),
  });
}

// GitHub's limits on a check run's output fields.
const TITLE_CHARS = 255;
const OUTPUT_CHARS = 65_535;

/** GitHub refuses a longer field; the text keeps its end, which is what a tail is for. */
function capOutput(output: CheckRunOutput): CheckRunOutput {
  const text = output.text;
  return {
    title: output.title.slice(0, TITLE_CHARS),
    summary: output.summary.slice(0, OUTPUT_CHARS),
    ...(text === undefined ? {} : { text: text.length > OUTPUT_CHARS ? text.slice(text.length - OUTPUT_CHARS) : text }),
  };
}
