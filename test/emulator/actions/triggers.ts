// Which workflows an event starts: those whose `on` names the event, whose `types` include
// its action, and whose branch filters take its branch.
// https://docs.github.com/en/actions/writing-workflows/choosing-when-your-workflow-runs/events-that-trigger-workflows
import type { Actor } from "../state/events.js";
import type { Trigger, WorkflowFile } from "./workflow-file.js";

export type TriggeringEvent = {
  event: string;
  action?: string;
  /** The branch filters apply to: the pushed branch, or a pull request's base. */
  branch?: string;
  tag?: string;
  actor: Actor;
};

// Activity types a workflow runs on when its `types` are not given and GitHub does not run on
// all of them; pull_request's defaults are these three.
const DEFAULT_TYPES: Readonly<Record<string, readonly string[]>> = {
  pull_request: ["opened", "synchronize", "reopened"],
};

/**
 * Events caused by a workflow's GITHUB_TOKEN start no workflow runs, except workflow_dispatch
 * and repository_dispatch, and pull_request runs that wait for a person's approval (see
 * awaitsApproval); an App's installation token and a person's token do start them.
 * https://docs.github.com/en/actions/writing-workflows/choosing-when-your-workflow-runs/triggering-a-workflow#triggering-a-workflow-from-a-workflow
 */
export function mayStartRuns(event: TriggeringEvent): boolean {
  return event.actor.via !== "actions" || event.event === "workflow_dispatch" || event.event === "repository_dispatch" || event.event === "pull_request";
}

/**
 * A pull request a GITHUB_TOKEN opened or updated: its `pull_request` runs are made, but wait
 * for a person's approval (`action_required`) and do nothing until then.
 */
export function awaitsApproval(event: TriggeringEvent): boolean {
  return event.actor.via === "actions" && event.event === "pull_request";
}

/** Glob matching of branch and tag filters: `*` stays within a path segment, `**` does not. */
export function globMatches(pattern: string, name: string): boolean {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] as string;
    if (char === "*" && pattern[i + 1] === "*") {
      source += ".*";
      i++;
    } else if (char === "*") source += "[^/]*";
    else if (char === "?") source += ".";
    else source += char.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`).test(name);
}

/** A filter list with `!` negations: the last pattern that matches decides. */
function listMatches(patterns: readonly string[], name: string): boolean {
  let matched = false;
  for (const pattern of patterns) {
    if (pattern.startsWith("!")) {
      if (globMatches(pattern.slice(1), name)) matched = false;
    } else if (globMatches(pattern, name)) matched = true;
  }
  return matched;
}

function refFiltersPass(trigger: Trigger, event: TriggeringEvent): boolean {
  if (event.tag !== undefined) {
    if (trigger.tags !== undefined) return listMatches(trigger.tags, event.tag);
    // A push of a tag runs a workflow with branch filters only when it also filters tags.
    return trigger.branches === undefined && trigger.branchesIgnore === undefined;
  }
  if (event.branch === undefined) return true;
  if (trigger.branches !== undefined) return listMatches(trigger.branches, event.branch);
  if (trigger.branchesIgnore !== undefined) return !listMatches(trigger.branchesIgnore, event.branch);
  // Filtering only tags means branch pushes do not run it.
  return trigger.tags === undefined;
}

export function triggers(workflow: WorkflowFile, event: TriggeringEvent): boolean {
  const trigger = workflow.on.get(event.event);
  if (trigger === undefined) return false;
  const types = trigger.types ?? DEFAULT_TYPES[event.event];
  if (types !== undefined && event.action !== undefined && !types.includes(event.action)) return false;
  return refFiltersPass(trigger, event);
}
