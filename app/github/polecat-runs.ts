// The polecat workflow's runs: dispatched with the bead's inputs, found again by run-name when
// GitHub gives no id, read, and cancelled. GitHub's answers only; the witness decides.
import { statusOf, unlessAbsent, type GitHubClient } from "./github-client.js";
import type { RepoRef } from "./issue-comments.js";

export interface RunSummary {
  id: number;
  status: string;
  conclusion: string | null;
  html_url: string;
  display_title: string;
  created_at: string;
}

// Every status a run has before it completes (GitHub lists them for the runs filter).
const LIVE_STATUSES: ReadonlySet<string> = new Set(["queued", "in_progress", "waiting", "requested", "pending"]);

/** Whether the run may still do work: not completed. */
export function isLiveRun(run: Pick<RunSummary, "status">): boolean {
  return LIVE_STATUSES.has(run.status);
}

/** GitHub refused a dispatch: the message names the workflow file and says why. */
export class DispatchError extends Error {
  override name = "DispatchError";
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

/**
 * Sends `workflow_dispatch` for `.github/workflows/<workflow>` at `ref`, asking for the run's
 * id. A GitHub that does not return run details (answering 204) gives `{}`; the run is then
 * found by its run-name (findRunByName).
 */
export async function dispatchWorkflow(
  github: GitHubClient, repo: RepoRef & { workflow: string; ref: string; inputs: Record<string, string> },
): Promise<{ runId?: number; htmlUrl?: string }> {
  const file = `.github/workflows/${repo.workflow}`;
  try {
    const { data } = await github.request("POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches", {
      owner: repo.owner, repo: repo.repo, workflow_id: repo.workflow, ref: repo.ref, inputs: repo.inputs, return_run_details: true,
    });
    // 204 has no body: Octokit gives undefined or "".
    const details = data as { workflow_run_id?: unknown; html_url?: unknown } | string | null | undefined;
    if (typeof details !== "object" || details === null || typeof details.workflow_run_id !== "number") return {};
    return { runId: details.workflow_run_id, ...(typeof details.html_url === "string" ? { htmlUrl: details.html_url } : {}) };
  } catch (error) {
    const status = statusOf(error);
    const at = `${repo.owner}/${repo.repo}`;
    if (status === 404) {
      throw new DispatchError(
        `${file} was not found on ${repo.ref} in ${at} (GitHub answered 404 ${githubMessage(error)}): ` +
          "add the polecat workflow there, or name another with polecat.workflow in .github/gastown.yml",
        status,
      );
    }
    if (status === 422) {
      const inputs = Object.keys(repo.inputs);
      throw new DispatchError(
        `GitHub refused to dispatch ${file} on ${repo.ref} in ${at}: ${githubMessage(error)}. ` +
          `It must be on ${repo.ref} with a workflow_dispatch trigger that declares the inputs ${inputs.length > 0 ? inputs.join(", ") : "(none)"}`,
        status,
      );
    }
    throw error;
  }
}

/**
 * The newest dispatched run of the workflow whose title (its rendered run-name) is exactly
 * `name`. Only the first page is read: GitHub lists the newest runs first, and the run sought
 * was dispatched moments ago. No such workflow means no such run.
 */
export async function findRunByName(
  github: GitHubClient, repo: RepoRef & { workflow: string; name: string },
): Promise<RunSummary | undefined> {
  const answer = await unlessAbsent(() => github.request("GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs", {
    owner: repo.owner, repo: repo.repo, workflow_id: repo.workflow, event: "workflow_dispatch", per_page: 100,
  }), undefined);
  const run = (answer?.data as { workflow_runs: RawRun[] } | undefined)?.workflow_runs.find((r) => r.display_title === repo.name);
  return run === undefined ? undefined : summaryOf(run);
}

/**
 * The workflow's runs that are not completed, among its newest hundred (one request: GitHub's
 * `status` filter takes one status, and a live run is queued, waiting or in progress).
 */
export async function listLiveRuns(github: GitHubClient, repo: RepoRef & { workflow: string }): Promise<RunSummary[]> {
  const answer = await unlessAbsent(() => github.request("GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs", {
    owner: repo.owner, repo: repo.repo, workflow_id: repo.workflow, per_page: 100,
  }), undefined);
  return ((answer?.data as { workflow_runs: RawRun[] } | undefined)?.workflow_runs ?? []).map(summaryOf).filter(isLiveRun);
}

/** The run, or undefined when GitHub has none with that id. */
export async function getRun(github: GitHubClient, repo: RepoRef & { runId: number }): Promise<RunSummary | undefined> {
  const answer = await unlessAbsent(() => github.request("GET /repos/{owner}/{repo}/actions/runs/{run_id}", { owner: repo.owner, repo: repo.repo, run_id: repo.runId }), undefined);
  return answer === undefined ? undefined : summaryOf(answer.data as RawRun);
}

/** Asks GitHub to cancel the run; "not-running" when it has already finished (409) or is gone. */
export async function cancelRun(github: GitHubClient, repo: RepoRef & { runId: number }): Promise<"cancelling" | "not-running"> {
  const answer = await unlessAbsent(
    () => github.request("POST /repos/{owner}/{repo}/actions/runs/{run_id}/cancel", { owner: repo.owner, repo: repo.repo, run_id: repo.runId }),
    "not-running" as const, [409, 404],
  );
  return answer === "not-running" ? answer : "cancelling";
}

// GitHub's description allows a null status.
type RawRun = Omit<RunSummary, "status"> & { status: string | null };

function summaryOf(run: RawRun): RunSummary {
  return {
    id: run.id,
    status: run.status ?? "",
    conclusion: run.conclusion,
    html_url: run.html_url,
    display_title: run.display_title,
    created_at: run.created_at,
  };
}

/** What GitHub said in its error body, else the error's own message. */
function githubMessage(error: unknown): string {
  const message = (error as { response?: { data?: { message?: unknown } } }).response?.data?.message;
  return typeof message === "string" ? message : error instanceof Error ? error.message : String(error);
}
