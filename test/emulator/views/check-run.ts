// A check run as GitHub renders it (`check-run`).
import type { CheckRunRecord, RepoRecord } from "../state/model.js";
import { actionsIntegrationView, integrationView } from "./app.js";
import { fullNameOf, type ViewContext } from "./context.js";
import { repoApi, repoWeb } from "./urls.js";

export function checkRunView(view: ViewContext, repo: RepoRecord, run: CheckRunRecord): Record<string, unknown> {
  const fullName = fullNameOf(repo);
  const api = `${repoApi(view.urls, fullName)}/check-runs/${run.id}`;
  return {
    id: run.id,
    head_sha: run.headSha,
    node_id: run.nodeId,
    external_id: run.externalId,
    url: api,
    html_url: `${repoWeb(view.urls, fullName)}/runs/${run.id}`,
    // Without a details_url GitHub points at the App's page.
    details_url: run.detailsUrl ?? `${view.urls.web}/apps/${view.state.app.slug}`,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    output: { ...run.output, annotations_count: 0, annotations_url: `${api}/annotations` },
    name: run.name,
    check_suite: { id: run.checkSuiteId },
    app: run.owner === "actions" ? actionsIntegrationView(view) : integrationView(view),
    pull_requests: [],
  };
}
