// What GitHub reports of a staging commit, read for the refinery's verdict (app/town/staging-
// verdict.ts): its check runs, its commit statuses, the command gates' workflow run, and which
// checks the base branch requires. Required checks are read from the branch's rules and from the
// branch itself (its `protection` summary), never from the branch-protection endpoint, which
// needs the `administration` permission no App of ours asks for.
// https://docs.github.com/en/rest/repos/rules#get-rules-for-a-branch
// https://docs.github.com/en/rest/checks/runs#list-check-runs-for-a-git-reference
// https://docs.github.com/en/rest/commits/statuses#get-the-combined-status-for-a-specific-reference
import type { CheckRunFact, GatesRunFact, StatusFact } from "../town/staging-verdict.js";
import { unlessAbsent, type GitHubClient } from "./github-client.js";
import type { RepoRef } from "./issue-comments.js";
import { pages, PER_PAGE } from "./pages.js";

/** What the base branch's rules and protection ask of what lands on it. */
export interface BaseRules {
  /** The contexts that must pass: its rules' and its classic protection's. */
  readonly required: readonly string[];
  /** No merge commits may land (`required_linear_history`). */
  readonly linear: boolean;
}

export async function baseRules(github: GitHubClient, repo: RepoRef, branch: string): Promise<BaseRules> {
  const rules = await unlessAbsent(() => github.request("GET /repos/{owner}/{repo}/rules/branches/{branch}", {
    owner: repo.owner, repo: repo.repo, branch, per_page: PER_PAGE,
  }), undefined);
  const named = new Set<string>();
  let linear = false;
  for (const rule of (rules?.data ?? []) as { type: string; parameters?: { required_status_checks?: { context: string }[] } }[]) {
    if (rule.type === "required_status_checks") for (const check of rule.parameters?.required_status_checks ?? []) named.add(check.context);
    if (rule.type === "required_linear_history") linear = true;
  }
  const branchAnswer = await unlessAbsent(() => github.request("GET /repos/{owner}/{repo}/branches/{branch}", { owner: repo.owner, repo: repo.repo, branch }), undefined);
  const protection = (branchAnswer?.data as { protection?: { required_status_checks?: { contexts?: string[]; checks?: { context: string }[] } } } | undefined)?.protection;
  for (const context of protection?.required_status_checks?.contexts ?? []) named.add(context);
  for (const check of protection?.required_status_checks?.checks ?? []) named.add(check.context);
  return { required: [...named], linear };
}

/** Every check run on the commit. */
export async function checkRunsOn(github: GitHubClient, repo: RepoRef, sha: string): Promise<CheckRunFact[]> {
  const all: CheckRunFact[] = [];
  for await (const page of pages(async (page) => {
    const { data } = await github.request("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", { owner: repo.owner, repo: repo.repo, ref: sha, per_page: PER_PAGE, page, filter: "latest" });
    return (data as { check_runs: { id: number; name: string; status: string; conclusion: string | null; html_url: string | null; output?: { title?: string | null } }[] }).check_runs;
  })) {
    for (const run of page) {
      all.push({
        id: run.id, name: run.name, status: run.status, conclusion: run.conclusion,
        ...(run.html_url ? { url: run.html_url } : {}), ...(run.output?.title ? { summary: run.output.title } : {}),
      });
    }
  }
  return all;
}

/**
 * The latest status of each context on the commit; undefined when GitHub refuses (403): an
 * installation that has not yet accepted the App's `statuses: read` permission.
 */
export async function statusesOn(github: GitHubClient, repo: RepoRef, sha: string): Promise<StatusFact[] | undefined> {
  const answer = await unlessAbsent(() => github.request("GET /repos/{owner}/{repo}/commits/{ref}/status", { owner: repo.owner, repo: repo.repo, ref: sha, per_page: PER_PAGE }), undefined, [403]);
  if (answer === undefined) return undefined;
  const { data } = answer;
  return (data as { statuses: { context: string; state: string; target_url: string | null; description: string | null }[] }).statuses.map((status) => ({
    context: status.context, state: status.state, ...(status.target_url ? { url: status.target_url } : {}), ...(status.description ? { description: status.description } : {}),
  }));
}

/** The newest run of the gates workflow on the commit, if there is one. */
export async function gatesRunOn(github: GitHubClient, repo: RepoRef, workflow: string, sha: string): Promise<GatesRunFact | undefined> {
  const answer = await unlessAbsent(() => github.request("GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs", {
    owner: repo.owner, repo: repo.repo, workflow_id: workflow, head_sha: sha, per_page: 10,
  }), undefined);
  const runs = ((answer?.data as { workflow_runs?: { id: number; status: string; conclusion: string | null; html_url: string }[] } | undefined)?.workflow_runs ?? [])
    .slice().sort((a, b) => b.id - a.id);
  const newest = runs[0];
  return newest === undefined ? undefined : { id: newest.id, status: newest.status, conclusion: newest.conclusion, url: newest.html_url };
}
