// A workflow run's jobs and a job's log. GitHub serves a job's log only once the job has
// completed (404 before), and serves it as a redirect to where it is stored, which Octokit's
// fetch follows; the stored log may come back as text or as bytes, so both are read as UTF-8.
import { unlessAbsent, type GitHubClient } from "./github-client.js";
import type { RepoRef } from "./issue-comments.js";

export interface JobSummary {
  id: number;
  name: string;
  status: string;
  conclusion: string | null;
  html_url: string | null;
}

// GitHub's largest page; a polecat run has a job or two.
const PER_PAGE = 100;

/** The jobs of the run's latest attempt, in GitHub's order; none when the run is gone. */
export async function listRunJobs(github: GitHubClient, repo: RepoRef & { runId: number }): Promise<JobSummary[]> {
  const answer = await unlessAbsent(() => github.request("GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs", {
    owner: repo.owner, repo: repo.repo, run_id: repo.runId, per_page: PER_PAGE,
  }), undefined);
  return answer === undefined ? [] : (answer.data as { jobs: JobSummary[] }).jobs;
}

/** The job's whole log, or undefined when GitHub has none to give (not completed, or expired). */
export async function jobLog(github: GitHubClient, repo: RepoRef & { jobId: number }): Promise<string | undefined> {
  // 404: not completed yet, or the log has expired; 410: gone.
  const answer = await unlessAbsent(() => github.request("GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs", {
    owner: repo.owner, repo: repo.repo, job_id: repo.jobId,
  }), undefined, [404, 410]);
  const data: unknown = answer?.data;
  if (typeof data === "string") return data;
  if (data instanceof ArrayBuffer || data instanceof Uint8Array) return new TextDecoder().decode(data);
  return undefined;
}
