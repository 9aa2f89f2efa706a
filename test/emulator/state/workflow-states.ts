// Disabling and enabling a workflow. A disabled workflow keeps its id and its runs but starts no
// new run: its triggers are ignored and a dispatch is refused (actions/engine.ts). The API
// disables by hand (`disabled_manually`); only GitHub itself disables for inactivity, which a
// test does through Emulator.setWorkflowState.
// https://docs.github.com/en/rest/actions/workflows#disable-a-workflow
// https://docs.github.com/en/actions/managing-workflow-runs-and-deployments/managing-workflow-runs/disabling-and-enabling-a-workflow
import type { EmulatorState, WorkflowRecord, WorkflowState } from "./model.js";
import { fail, ok, produce, type Result } from "./result.js";

/** The workflow at `path` put in `state`; 404 when the repository has no such workflow. */
export function setWorkflowState(state: EmulatorState, repo: string, path: string, wanted: WorkflowState, at: string): Result<WorkflowRecord> {
  return produce(state, (draft) => {
    const workflow = draft.repos[repo]?.workflows.find((w) => w.path === path);
    if (!workflow) return fail(404, "Not Found");
    if (workflow.state !== wanted) {
      workflow.state = wanted;
      workflow.updatedAt = at;
    }
    return ok(draft, workflow);
  });
}

/** Whether a workflow may start runs. */
export function isActive(workflow: Pick<WorkflowRecord, "state">): boolean {
  return workflow.state === "active";
}
