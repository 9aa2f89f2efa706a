// Commit statuses as GitHub renders them: `status` (made and listed), `simple-commit-status`
// inside the combined status, and `combined-commit-status`.
// https://docs.github.com/en/rest/commits/statuses
import { combinedState, latestStatuses } from "../state/commit-statuses.js";
import type { CommitStatusRecord, RepoRecord } from "../state/model.js";
import { fullNameOf, userView, type ViewContext } from "./context.js";
import { repositoryCore } from "./repository.js";
import { repoApi } from "./urls.js";

function statusFields(view: ViewContext, repo: RepoRecord, status: CommitStatusRecord): Record<string, unknown> {
  return {
    url: `${repoApi(view.urls, fullNameOf(repo))}/statuses/${status.sha}`,
    avatar_url: userView(view, status.creator).avatar_url,
    id: status.id,
    node_id: status.nodeId,
    state: status.state,
    description: status.description,
    target_url: status.targetUrl,
    context: status.context,
    created_at: status.createdAt,
    updated_at: status.updatedAt,
  };
}

export function statusView(view: ViewContext, repo: RepoRecord, status: CommitStatusRecord): Record<string, unknown> {
  return { ...statusFields(view, repo, status), creator: userView(view, status.creator) };
}

export function combinedStatusView(view: ViewContext, repo: RepoRecord, sha: string): Record<string, unknown> {
  const latest = latestStatuses(repo, sha);
  const api = repoApi(view.urls, fullNameOf(repo));
  return {
    state: combinedState(latest),
    statuses: latest.map((status) => ({ ...statusFields(view, repo, status), required: null })),
    sha,
    total_count: latest.length,
    repository: repositoryCore(view, repo),
    commit_url: `${api}/commits/${sha}`,
    url: `${api}/commits/${sha}/status`,
  };
}
