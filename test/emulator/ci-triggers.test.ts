// The team's CI on a branch someone else moves (reference/github-facts.md, "Tokens and what they
// start"): an App's ref update is a push, and a `synchronize` of the pull request from that
// branch, and both start runs; a move to the commit the ref already has is no event; a
// GITHUB_TOKEN's push starts nothing, and the `pull_request` runs of a pull request it opens
// or updates wait for a person's approval.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "./emulator.js";
import { call, repoDeliveries, startFixedEmulator, TEAM_CI as CI } from "./testing.js";


const SEED = `name: Seed
on: workflow_dispatch
jobs:
  seed:
    runs-on: ubuntu-latest
    steps: [{ run: "true" }]
`;

let github: Emulator;
let appToken: string;
let main: string;
let commits: string[];

beforeEach(async () => {
  github = await startFixedEmulator();
  await github.addRepo({ owner: "octo", name: "town", files: { "README.md": "# Town\n", ".github/workflows/ci.yml": CI, ".github/workflows/seed.yml": SEED } });
  appToken = github.installationToken(github.install({ account: "octo" }));
  main = (await github.git("octo/town").resolveRef("refs/heads/main")) as string;
  commits = [];
  for (const n of [1, 2]) {
    const parent = commits.at(-1) ?? main;
    const tree = (await github.git("octo/town").readCommit(parent)).tree;
    const made = await call(github, "POST", "/repos/octo/town/git/commits", { token: appToken, body: { message: `Work ${n}`, tree, parents: [parent] } });
    commits.push((made.body as { sha: string }).sha);
  }
});

afterEach(async () => {
  await github.close();
  expect(github.problems).toEqual([]);
});

/** The CI workflow's runs: event, branch, commit, status, conclusion. */
const runs = () => (github.state.repos["octo/town"]?.runs ?? []).filter((r) => github.state.repos["octo/town"]?.workflows.find((w) => w.id === r.workflowId)?.path === ".github/workflows/ci.yml").map((r) => [r.event, r.headBranch, r.headSha === commits[0] ? "work 1" : r.headSha === commits[1] ? "work 2" : r.headSha, r.status, r.conclusion]);

/** A GITHUB_TOKEN: the token of a run of another workflow, dispatched by the App. */
async function actionsToken(): Promise<string> {
  const dispatched = await call(github, "POST", "/repos/octo/town/actions/workflows/seed.yml/dispatches", { token: appToken, body: { ref: "main", return_run_details: true } });
  const id = (dispatched.body as { workflow_run_id: number }).workflow_run_id;
  const run = github.state.repos["octo/town"]?.runs.find((r) => r.id === id);
  if (!run) throw new Error("no run to take a GITHUB_TOKEN from");
  return run.token;
}

describe("the team's CI on a polecat's pull request branch", () => {
  it("runs on every move by the App's token: a push and a synchronize; a move to the same commit starts nothing", async () => {
    await call(github, "POST", "/repos/octo/town/git/refs", { token: appToken, body: { ref: "refs/heads/polecat/nux/gt-1", sha: commits[0] } });
    const opened = await call(github, "POST", "/repos/octo/town/pulls", { token: appToken, body: { head: "polecat/nux/gt-1", base: "main", title: "Fix" } });
    await github.settled();
    expect(opened.status).toBe(201);
    expect(runs()).toEqual([["push", "polecat/nux/gt-1", "work 1", "queued", null], ["pull_request", "polecat/nux/gt-1", "work 1", "queued", null]]);

    const moved = await call(github, "PATCH", "/repos/octo/town/git/refs/heads/polecat/nux/gt-1", { token: appToken, body: { sha: commits[1], force: false } });
    await github.settled();
    expect(moved.status).toBe(200);
    expect(runs().slice(2)).toEqual([["push", "polecat/nux/gt-1", "work 2", "queued", null], ["pull_request", "polecat/nux/gt-1", "work 2", "queued", null]]);

    const deliveries = repoDeliveries(github).length;
    const same = await call(github, "PATCH", "/repos/octo/town/git/refs/heads/polecat/nux/gt-1", { token: appToken, body: { sha: commits[1], force: false } });
    await github.settled();
    expect([same.status, (same.body as { object: { sha: string } }).object.sha]).toEqual([200, commits[1]]);
    expect(runs()).toHaveLength(4);
    expect(repoDeliveries(github).slice(deliveries)).toEqual([]);
  });

  it("starts nothing for a GITHUB_TOKEN's push, and makes its pull request's runs wait for approval", async () => {
    const token = await actionsToken();
    await call(github, "POST", "/repos/octo/town/git/refs", { token, body: { ref: "refs/heads/polecat/nux/gt-1", sha: commits[0] } });
    const opened = await call(github, "POST", "/repos/octo/town/pulls", { token, body: { head: "polecat/nux/gt-1", base: "main", title: "Fix" } });
    await github.settled();
    expect(opened.status).toBe(201);
    expect(runs()).toEqual([["pull_request", "polecat/nux/gt-1", "work 1", "completed", "action_required"]]);

    await call(github, "PATCH", "/repos/octo/town/git/refs/heads/polecat/nux/gt-1", { token, body: { sha: commits[1], force: false } });
    await github.settled();
    expect(runs().slice(1)).toEqual([["pull_request", "polecat/nux/gt-1", "work 2", "completed", "action_required"]]);
  });
});
