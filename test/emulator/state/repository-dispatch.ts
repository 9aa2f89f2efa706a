// repository_dispatch: an outside event the API raises, delivered as a webhook and starting
// the workflows that listen for its event_type on the default branch. It starts them whoever
// sent it, a workflow's GITHUB_TOKEN included.
// https://docs.github.com/en/rest/repos/repos#create-a-repository-dispatch-event
import type { Actor } from "./events.js";
import type { EmulatorState } from "./model.js";
import { notFound, ok, type Result } from "./result.js";

export function repositoryDispatch(state: EmulatorState, fullName: string, eventType: string, clientPayload: Record<string, unknown>, actor: Actor): Result<undefined> {
  const repo = state.repos[fullName];
  if (!repo) return notFound();
  return ok(state, undefined, [{ event: "repository_dispatch", repo: fullName, actor, eventType, clientPayload, branch: repo.defaultBranch }]);
}
