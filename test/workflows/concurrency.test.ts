// GitHub keeps at most one running and one pending run per concurrency group, and cancels the
// pending one when another arrives, whatever `cancel-in-progress` says. A workflow that carries
// people's requests (a label, a `/sling` comment) must not put them in a shared group: three
// quick events on one issue would lose the middle one without a word. Gas Town needs no group
// for safety (every ledger write is compare-and-swap), so its workflows have none for those
// events, or one unique to each run.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

/** Events that carry a person's request, each of which must be handled. */
const REQUEST_EVENTS = ["issues", "issue_comment", "pull_request", "pull_request_target", "pull_request_review", "pull_request_review_comment", "discussion", "discussion_comment"];

const DIRECTORIES = [".github/workflows", "examples/workflows"];

function workflowFiles(): string[] {
  return DIRECTORIES.flatMap((dir) => readdirSync(new URL(`../../${dir}/`, import.meta.url))
    .filter((name) => /\.ya?ml$/.test(name))
    .map((name) => `${dir}/${name}`));
}

function triggers(on: unknown): string[] {
  if (typeof on === "string") return [on];
  if (Array.isArray(on)) return on.filter((e): e is string => typeof e === "string");
  return on !== null && typeof on === "object" ? Object.keys(on) : [];
}

/** Each concurrency setting of the workflow that could hold a pending request back, by where it is. */
function droppingGroups(text: string): string[] {
  const workflow = parse(text) as { on?: unknown; concurrency?: unknown; jobs?: Record<string, { concurrency?: unknown }> };
  if (!triggers(workflow.on).some((event) => REQUEST_EVENTS.includes(event))) return [];
  const settings: [string, unknown][] = [["concurrency", workflow.concurrency]];
  for (const [id, job] of Object.entries(workflow.jobs ?? {})) settings.push([`jobs.${id}.concurrency`, job?.concurrency]);
  return settings.flatMap(([where, setting]) => {
    if (setting === undefined || setting === null) return [];
    const group = typeof setting === "object" ? (setting as { group?: unknown }).group : setting;
    // A group unique to each run never holds another run pending.
    return typeof group === "string" && group.includes("github.run_id") ? [] : [`${where}: ${String(group)}`];
  });
}

describe("concurrency groups in Gas Town's workflows", () => {
  it.each(workflowFiles())("%s holds no person's request pending where a later one could cancel it", (file) => {
    expect(droppingGroups(readFileSync(new URL(`../../${file}`, import.meta.url), "utf8"))).toEqual([]);
  });

  it("finds a per-issue group, at the job or the top, and lets a group per run through", () => {
    const perIssue = `on:
  issue_comment: { types: [created] }
concurrency: gastown-\${{ github.event.issue.number }}
jobs:
  town:
    runs-on: ubuntu-latest
    concurrency: { group: "gastown-issue-\${{ github.event.issue.number }}", cancel-in-progress: false }
    steps: [{ run: "true" }]
  other:
    runs-on: ubuntu-latest
    concurrency: { group: "gastown-\${{ github.run_id }}" }
    steps: [{ run: "true" }]
`;
    expect(droppingGroups(perIssue)).toEqual([
      "concurrency: gastown-${{ github.event.issue.number }}",
      "jobs.town.concurrency: gastown-issue-${{ github.event.issue.number }}",
    ]);
    expect(droppingGroups(perIssue.replace("issue_comment", "workflow_dispatch"))).toEqual([]);
  });
});
