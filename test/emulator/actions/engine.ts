// GitHub Actions' side of the emulator: reads workflow files from git and makes the runs that
// events and dispatches start. Deciding is pure (./triggers.ts, ./dispatch-inputs.ts,
// ./run-name.ts, ../state/runs.ts); this file only reads git and applies the results.
import type { BareRepo } from "../git/bare-repo.js";
import { commitSummary } from "../git/push-event.js";
import type { Core } from "../http/handler.js";
import type { Actor, DomainEvent } from "../state/events.js";
import type { RunRecord } from "../state/model.js";
import { fail, type Result } from "../state/result.js";
import { createRun, registerWorkflows } from "../state/runs.js";
import { isActive } from "../state/workflow-states.js";
import { renderWebhook } from "../webhooks/payloads.js";
import { checkDispatchInputs } from "./dispatch-inputs.js";
import { renderRunName } from "./run-name.js";
import { awaitsApproval, mayStartRuns, triggers, type TriggeringEvent } from "./triggers.js";
import { parseWorkflow, type WorkflowFile } from "./workflow-file.js";

export const WORKFLOWS_PATH = ".github/workflows";

// A commit's workflows never change; most events read the same default-branch tip again.
const workflowCache = new WeakMap<BareRepo, Map<string, WorkflowFile[]>>();

/** Every workflow file in a commit; a file that does not parse starts nothing, as on GitHub. */
export async function workflowsAt(git: BareRepo, commit: string): Promise<WorkflowFile[]> {
  const cache = workflowCache.get(git) ?? new Map<string, WorkflowFile[]>();
  workflowCache.set(git, cache);
  const known = cache.get(commit);
  if (known !== undefined) return known;
  const workflows = await readWorkflows(git, commit);
  cache.set(commit, workflows);
  return workflows;
}

async function readWorkflows(git: BareRepo, commit: string): Promise<WorkflowFile[]> {
  // Only files directly in .github/workflows are workflows; ls-tree of a missing path is empty.
  const entries = await git.readTree(`${commit}:${WORKFLOWS_PATH}`, false).catch(() => []);
  const files = entries.filter((entry) => entry.type === "blob" && /\.ya?ml$/.test(entry.path));
  const workflows: WorkflowFile[] = [];
  for (const file of files) {
    try {
      workflows.push(parseWorkflow(`${WORKFLOWS_PATH}/${file.path}`, (await git.readBlob(file.sha)).toString("utf8")));
    } catch {
      // An invalid workflow file: GitHub shows an error on the Actions page and runs nothing.
    }
  }
  return workflows;
}

/** Gives the workflow files on the default branch their ids, as GitHub does when it first sees them. */
export async function registerDefaultBranchWorkflows(core: Core, repo: string): Promise<void> {
  const record = core.state.repos[repo];
  if (!record) return;
  const tip = await core.git(repo).resolveRef(`refs/heads/${record.defaultBranch}`);
  if (tip === undefined) return;
  const files = (await workflowsAt(core.git(repo), tip)).map((w) => ({ path: w.path, name: w.name }));
  core.apply((state) => registerWorkflows(state, repo, files, core.timestamp()));
}

/** Whether the workflow at `path` is disabled; one GitHub has not seen yet is active. */
function isDisabled(core: Core, repo: string, path: string): boolean {
  const workflow = core.state.repos[repo]?.workflows.find((w) => w.path === path);
  return workflow !== undefined && !isActive(workflow);
}

type Context = { commit: string; headBranch: string; triggering: TriggeringEvent; title: string | undefined };

/** Where an event's workflows are read from and what it looks like to their `on` filters. */
async function contextOf(core: Core, event: DomainEvent): Promise<Context | undefined> {
  const repo = core.state.repos[event.repo];
  if (!repo) return undefined;
  const git = core.git(event.repo);
  const defaultTip = async () => git.resolveRef(`refs/heads/${repo.defaultBranch}`);
  switch (event.event) {
    case "push": {
      if (/^0+$/.test(event.after)) return undefined;
      const branch = event.ref.startsWith("refs/heads/") ? event.ref.slice("refs/heads/".length) : undefined;
      const tag = event.ref.startsWith("refs/tags/") ? event.ref.slice("refs/tags/".length) : undefined;
      const head = event.commits[event.commits.length - 1];
      return {
        commit: event.after,
        headBranch: branch ?? tag ?? event.ref,
        triggering: { event: "push", actor: event.actor, ...(branch === undefined ? {} : { branch }), ...(tag === undefined ? {} : { tag }) },
        title: head?.message.split("\n")[0],
      };
    }
    case "pull_request": {
      const pull = repo.issues.find((issue) => issue.number === event.number);
      if (!pull?.pull) return undefined;
      return {
        commit: pull.pull.headSha,
        headBranch: pull.pull.headRef,
        triggering: { event: "pull_request", action: event.action, branch: pull.pull.baseRef, actor: event.actor },
        title: pull.title,
      };
    }
    case "workflow_run":
    case "workflow_job":
      // Runs do not start runs here: the emulator does not implement the workflow_run trigger.
      return undefined;
    default: {
      const commit = await defaultTip();
      if (commit === undefined) return undefined;
      const action = "action" in event ? event.action : event.event === "repository_dispatch" ? event.eventType : undefined;
      const issue = "number" in event ? repo.issues.find((i) => i.number === event.number) : undefined;
      return {
        commit,
        headBranch: repo.defaultBranch,
        triggering: { event: event.event, ...(action === undefined ? {} : { action }), actor: event.actor },
        title: event.event === "repository_dispatch" ? event.eventType : issue?.title,
      };
    }
  }
}

/**
 * The runs an event starts: none for what a GITHUB_TOKEN did but dispatches, and for its pull
 * requests runs that wait for approval.
 */
export async function startTriggeredRuns(core: Core, event: DomainEvent): Promise<void> {
  const context = await contextOf(core, event);
  if (context === undefined || !mayStartRuns(context.triggering)) return;
  const workflows = (await workflowsAt(core.git(event.repo), context.commit))
    .filter((workflow) => triggers(workflow, context.triggering) && !isDisabled(core, event.repo, workflow.path));
  for (const workflow of workflows) {
    const payload = renderWebhook(core.view(), event, undefined).payload;
    const github = { event_name: event.event, actor: event.actor.login, ref_name: context.headBranch, sha: context.commit, event: payload };
    const displayTitle = workflow.runName === undefined ? (context.title ?? workflow.name) : renderRunName(workflow.runName, { github, inputs: {} });
    const headCommit = await commitSummary(core.git(event.repo), context.commit);
    core.apply((state) =>
      createRun(state, {
        repo: event.repo,
        workflow: { path: workflow.path, name: workflow.name },
        event: event.event,
        headBranch: context.headBranch,
        headSha: context.commit,
        actor: event.actor.login,
        displayTitle,
        inputs: null,
        headCommit,
        jobs: workflow.jobs,
        token: core.secret("ghs_"),
        tokenPermissions: workflow.permissions,
        cause: event.actor,
        at: core.timestamp(),
        awaitingApproval: awaitsApproval(context.triggering),
      }),
    );
  }
}

/** A workflow by its id or file name, as the API's `workflow_id` takes either. */
export function workflowPathFor(core: Core, repo: string, workflowId: string): string | undefined {
  if (/^\d+$/.test(workflowId)) return core.state.repos[repo]?.workflows.find((w) => String(w.id) === workflowId)?.path;
  return `${WORKFLOWS_PATH}/${workflowId}`;
}

/**
 * workflow_dispatch: the workflow file at `ref` must exist and have the trigger, the workflow
 * must not be disabled, the inputs must pass; then a run starts, whoever dispatched it (a GITHUB_TOKEN included).
 * https://docs.github.com/en/rest/actions/workflows#create-a-workflow-dispatch-event
 */
export async function dispatchWorkflow(
  core: Core,
  repo: string,
  workflowId: string,
  ref: string,
  given: Readonly<Record<string, unknown>>,
  actor: Actor,
): Promise<Result<RunRecord>> {
  const path = workflowPathFor(core, repo, workflowId);
  if (path === undefined) return fail(404, "Not Found");
  const git = core.git(repo);
  const branch = ref.replace(/^refs\/heads\//, "");
  const commit = await git.resolveCommit(branch);
  if (commit === undefined) return fail(422, `No ref found for: ${ref}`);
  const file = await git.fileAt(commit, path);
  if (file === undefined) return fail(404, "Not Found");
  let workflow: WorkflowFile;
  try {
    workflow = parseWorkflow(path, file.content.toString("utf8"));
  } catch {
    return fail(422, `Workflow does not have 'workflow_dispatch' trigger`);
  }
  if (!workflow.on.has("workflow_dispatch")) return fail(422, "Workflow does not have 'workflow_dispatch' trigger");
  if (isDisabled(core, repo, path)) return fail(422, "Cannot trigger a 'workflow_dispatch' on a disabled workflow");
  const checked = checkDispatchInputs(workflow.inputs, given);
  if (!checked.ok) return fail(422, checked.message);
  const github = { event_name: "workflow_dispatch", actor: actor.login, ref_name: branch, ref: `refs/heads/${branch}`, sha: commit, event: { inputs: checked.inputs, ref } };
  const displayTitle = workflow.runName === undefined ? workflow.name : renderRunName(workflow.runName, { github, inputs: checked.inputs });
  const headCommit = await commitSummary(git, commit);
  return core.apply((state) =>
    createRun(state, {
      repo,
      workflow: { path: workflow.path, name: workflow.name },
      event: "workflow_dispatch",
      headBranch: branch,
      headSha: commit,
      actor: actor.login,
      displayTitle,
      inputs: checked.inputs,
      headCommit,
      jobs: workflow.jobs,
      token: core.secret("ghs_"),
      tokenPermissions: workflow.permissions,
      cause: actor,
      at: core.timestamp(),
    }),
  );
}
