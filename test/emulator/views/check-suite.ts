// A check suite as the `check_suite` webhook carries it: one per App and commit, its status
// and conclusion summarised from its check runs.
// https://docs.github.com/en/rest/checks/suites#get-a-check-suite
import { suiteSummary } from "../state/check-runs.js";
import type { RepoRecord } from "../state/model.js";
import { actionsIntegrationView, integrationView } from "./app.js";
import { fullNameOf, type ViewContext } from "./context.js";
import { repoApi } from "./urls.js";

export function checkSuiteView(view: ViewContext, repo: RepoRecord, checkSuiteId: number): Record<string, unknown> {
  const { status, conclusion, runs } = suiteSummary(repo, checkSuiteId);
  const first = runs[0];
  if (!first) throw new Error(`view of unknown check suite ${checkSuiteId}`);
  const url = `${repoApi(view.urls, fullNameOf(repo))}/check-suites/${checkSuiteId}`;
  const { headCommit } = first.suite;
  const ended = runs.map((r) => r.completedAt).filter((at): at is string => at !== null).sort();
  return {
    id: checkSuiteId,
    node_id: Buffer.from(`010:CheckSuite${checkSuiteId}`).toString("base64"),
    head_branch: first.suite.headBranch,
    head_sha: first.headSha,
    status,
    conclusion,
    url,
    before: null,
    after: first.headSha,
    pull_requests: [],
    app: first.owner === "actions" ? actionsIntegrationView(view) : integrationView(view),
    created_at: first.suite.createdAt,
    updated_at: ended[ended.length - 1] ?? first.suite.createdAt,
    rerequestable: true,
    runs_rerequestable: true,
    latest_check_runs_count: runs.length,
    check_runs_url: `${url}/check-runs`,
    head_commit: {
      id: headCommit.id,
      tree_id: headCommit.treeId,
      message: headCommit.message,
      timestamp: headCommit.timestamp,
      author: headCommit.author,
      committer: headCommit.committer,
    },
  };
}
