// What a merge queue leans on: the merges API, branch rules and what they refuse, commit
// statuses, pull requests merged by their base's move and the issues they close, and the
// filters of run and check-run listings.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { BranchRule, Emulator } from "./emulator.js";
import { call, commitOnBranch, gitClient, gitClientFails, refSha, repoDeliveries, startFixedEmulator } from "./testing.js";

const REPO = "octo/town";
const PULL_REQUEST_RULE: BranchRule = { type: "pull_request", parameters: { required_approving_review_count: 1 } };
const CHECKS_RULE: BranchRule = { type: "required_status_checks", parameters: { strict_required_status_checks_policy: false, required_status_checks: [{ context: "ci" }] } };

let github: Emulator;
let token: string;
let mayor: string;
let work: string;

beforeEach(async () => {
  github = await startFixedEmulator();
  await github.addRepo({ owner: "octo", name: "town", files: { "README.md": "# Town\n" } });
  github.setCollaborator(REPO, "mayor", "write");
  github.setCollaborator(REPO, "witness", "write");
  github.setCollaborator(REPO, "visitor", "read");
  token = github.installationToken(github.install({ account: "octo", permissions: { actions: "write", contents: "write", pull_requests: "write", issues: "write", checks: "write", statuses: "write", metadata: "read" } }));
  mayor = github.userToken("mayor");
  work = await mkdtemp(join(tmpdir(), "emulator-merge-queue-test-"));
});

afterEach(async () => {
  await github.close();
  await rm(work, { recursive: true, force: true });
  expect(github.problems).toEqual([]);
});

const sha = (ref: string): Promise<string> => refSha(github, REPO, token, ref);
const commitOn = (branch: string, files: Record<string, string>, message: string, from?: string): Promise<string> =>
  commitOnBranch(github, REPO, token, { branch, files, message, ...(from === undefined ? {} : { from }) });

async function openPull(branch: string, body = ""): Promise<number> {
  const answer = await call(github, "POST", `/repos/${REPO}/pulls`, { token, body: { title: `Work on ${branch}`, head: branch, base: "main", body } });
  return (answer.body as { number: number }).number;
}

async function pull(number: number): Promise<Record<string, unknown>> {
  return (await call(github, "GET", `/repos/${REPO}/pulls/${number}`, { token })).body as Record<string, unknown>;
}

async function issueState(number: number): Promise<unknown[]> {
  const issue = (await call(github, "GET", `/repos/${REPO}/issues/${number}`, { token })).body as Record<string, unknown>;
  return [issue["state"], issue["state_reason"], (issue["closed_by"] as { login: string } | null)?.login ?? null];
}

function merge(base: string, head: string, commitMessage?: string, as = token) {
  return call(github, "POST", `/repos/${REPO}/merges`, { token: as, body: { base, head, ...(commitMessage === undefined ? {} : { commit_message: commitMessage }) } });
}

const message = (answer: { body: unknown }): string => (answer.body as { message: string }).message;

describe("the merges API", () => {
  it("merges a branch into the base with a two-parent merge commit, moving the base as the caller's push", async () => {
    const head = await commitOn("staging", { "pumps.txt": "fixed\n" }, "Fix the pumps");
    await commitOn("main", { "NEWS.md": "news\n" }, "News");
    const base = await sha("heads/main");
    await github.settled();
    const before = repoDeliveries(github).length;

    const answer = await merge("main", "staging", "Merge staging for the queue");
    await github.settled();

    expect(answer.status).toBe(201);
    const body = answer.body as { sha: string; parents: { sha: string }[]; commit: { message: string; author: { name: string }; committer: { name: string } } };
    expect(body.parents.map((p) => p.sha)).toEqual([base, head]);
    expect([body.commit.message, body.commit.author.name, body.commit.committer.name]).toEqual(["Merge staging for the queue", "gastown[bot]", "GitHub"]);
    expect(await sha("heads/main")).toBe(body.sha);
    expect((await github.git(REPO).readTree(body.sha, false)).map((e) => e.path)).toEqual(["NEWS.md", "README.md", "pumps.txt"]);
    const pushes = repoDeliveries(github).slice(before).map((d) => [d.event, d.payload["ref"], d.payload["before"], d.payload["after"], (d.payload["sender"] as { login: string }).login]);
    expect(pushes).toEqual([["push", "refs/heads/main", base, body.sha, "gastown[bot]"]]);
  });

  it("writes GitHub's default message, answers 204 when the base has the head, 409 on a conflict, 404 for a missing side", async () => {
    await commitOn("staging", { "a.txt": "a\n" }, "A");
    const merged = await merge("main", "staging");
    const tip = await sha("heads/main");
    const again = await merge("main", "staging");
    await commitOn("left", { "same.txt": "left\n" }, "Left");
    await commitOn("right", { "same.txt": "right\n" }, "Right");
    await merge("main", "left");
    const before = await sha("heads/main");
    const conflict = await merge("main", "right");

    expect((merged.body as { commit: { message: string } }).commit.message).toBe("Merge staging into main");
    expect([again.status, again.body]).toEqual([204, ""]);
    expect([conflict.status, message(conflict)]).toEqual([409, "Merge conflict"]);
    expect(await sha("heads/main")).toBe(before);
    expect(before).not.toBe(tip);
    const noBase = await merge("nowhere", "staging");
    const noHead = await merge("main", "nothing");
    expect([noBase.status, message(noBase), noHead.status, message(noHead)]).toEqual([404, "Base does not exist", 404, "Head does not exist"]);
  });

  it("merges a commit by its sha", async () => {
    const head = await commitOn("staging", { "a.txt": "a\n" }, "A");
    const answer = await merge("main", head);
    expect((answer.body as { parents: { sha: string }[] }).parents[1]?.sha).toBe(head);
  });

  it("refuses an App without workflows permission a head that changes a workflow, and moves nothing", async () => {
    const person = github.userToken("mayor");
    await commitOnBranch(github, REPO, person, { branch: "staging", files: { ".github/workflows/ci.yml": "on: push\njobs: {}\n" }, message: "CI" });
    const before = await sha("heads/main");

    const answer = await merge("main", "staging");

    expect([answer.status, message(answer)]).toEqual([403, "refusing to allow a GitHub App to create or update workflow `.github/workflows/ci.yml` without `workflows` permission"]);
    expect(await sha("heads/main")).toBe(before);
  });
});

describe("pull requests merged by their base's move", () => {
  it("marks one merged when the merges API brings its head into the base, and closes the issues it links", async () => {
    const issue = (await call(github, "POST", `/repos/${REPO}/issues`, { token, body: { title: "The pumps" } }).then((a) => a.body)) as { number: number };
    const other = (await call(github, "POST", `/repos/${REPO}/issues`, { token, body: { title: "Not this one" } }).then((a) => a.body)) as { number: number };
    await commitOn("polecat/nux", { "pumps.txt": "fixed\n" }, "Fix the pumps");
    const number = await openPull("polecat/nux", `Fixes #${issue.number}, mentions #${other.number}`);
    await github.settled();
    const before = repoDeliveries(github).length;

    const answer = await merge("main", "polecat/nux", undefined, mayor);
    await github.settled();

    const tip = (answer.body as { sha: string }).sha;
    expect(await pull(number)).toMatchObject({ state: "closed", merged: true, merged_by: { login: "mayor" }, merge_commit_sha: tip });
    expect(await issueState(issue.number)).toEqual(["closed", "completed", "mayor"]);
    expect(await issueState(other.number)).toEqual(["open", null, null]);
    const events = repoDeliveries(github).slice(before).map((d) => [d.event, d.payload["action"] ?? null, (d.payload["sender"] as { login: string }).login]);
    expect(events).toEqual([
      ["push", null, "mayor"],
      ["pull_request", "closed", "mayor"],
      ["issues", "closed", "mayor"],
    ]);
  });

  it("marks one merged when a git push brings its head into the base", async () => {
    const head = await commitOn("polecat/nux", { "pumps.txt": "fixed\n" }, "Fix the pumps");
    const number = await openPull("polecat/nux", "closes #9");
    await gitClient(work, "clone", "--quiet", github.gitUrl(REPO, mayor), "town");
    const clone = join(work, "town");
    await gitClient(clone, "merge", "--quiet", "--ff-only", `origin/polecat/nux`);
    await gitClient(clone, "push", "--quiet", "origin", "main");
    await github.settled();

    expect(await pull(number)).toMatchObject({ state: "closed", merged: true, merged_by: { login: "mayor" }, merge_commit_sha: head });
  });

  it("closes linked issues when a pull request is merged through pulls/merge into the default branch only", async () => {
    const issue = (await call(github, "POST", `/repos/${REPO}/issues`, { token, body: { title: "Dock" } })).body as { number: number };
    const later = (await call(github, "POST", `/repos/${REPO}/issues`, { token, body: { title: "Later" } })).body as { number: number };
    await commitOn("release", { "r.txt": "r\n" }, "Release branch");
    await commitOn("topic", { "t.txt": "t\n" }, "Topic", "release");
    const onRelease = (await call(github, "POST", `/repos/${REPO}/pulls`, { token, body: { title: "To release", head: "topic", base: "release", body: `Resolves #${later.number}` } })).body as { number: number };
    await commitOn("dock", { "dock.txt": "d\n" }, "Dock");
    const onMain = await openPull("dock", `RESOLVED: ${REPO}#${issue.number}`);

    const releaseMerge = await call(github, "PUT", `/repos/${REPO}/pulls/${onRelease.number}/merge`, { token, body: { merge_method: "squash" } });
    const mainMerge = await call(github, "PUT", `/repos/${REPO}/pulls/${onMain}/merge`, { token: mayor, body: { merge_method: "squash" } });
    await github.settled();

    expect([releaseMerge.status, mainMerge.status]).toEqual([200, 200]);
    expect(await issueState(issue.number)).toEqual(["closed", "completed", "mayor"]);
    expect(await issueState(later.number)).toEqual(["open", null, null]);
  });
});

describe("branch rules", () => {
  it("serves the rules of a branch and shows it protected", async () => {
    github.setBranchRules(REPO, "main", [PULL_REQUEST_RULE, CHECKS_RULE, { type: "required_linear_history" }], { bypass: ["gastown"] });

    const rules = await call(github, "GET", `/repos/${REPO}/rules/branches/main`, { token });
    const none = await call(github, "GET", `/repos/${REPO}/rules/branches/other`, { token });
    const branch = (await call(github, "GET", `/repos/${REPO}/branches/main`, { token })).body as Record<string, unknown>;
    await commitOn("free", { "f.txt": "f\n" }, "Free");
    const free = (await call(github, "GET", `/repos/${REPO}/branches/free`, { token })).body as Record<string, unknown>;
    const missing = await call(github, "GET", `/repos/${REPO}/branches/nowhere`, { token });

    const source = { ruleset_source_type: "Repository", ruleset_source: REPO, ruleset_id: expect.any(Number) as number };
    expect(rules.body).toEqual([
      {
        type: "pull_request",
        parameters: {
          required_approving_review_count: 1,
          dismiss_stale_reviews_on_push: false,
          require_code_owner_review: false,
          require_last_push_approval: false,
          required_review_thread_resolution: false,
          allowed_merge_methods: ["merge", "squash", "rebase"],
        },
        ...source,
      },
      { ...CHECKS_RULE, ...source },
      { type: "required_linear_history", ...source },
    ]);
    expect(none.body).toEqual([]);
    expect(branch).toMatchObject({
      name: "main",
      protected: true,
      commit: { sha: await sha("heads/main") },
      protection: { enabled: true, required_status_checks: { contexts: ["ci"], checks: [{ context: "ci", app_id: null }] } },
    });
    expect([free["protected"], (free["commit"] as { sha: string }).sha]).toEqual([false, await sha("heads/free")]);
    expect([missing.status, message(missing)]).toEqual([404, "Branch not found"]);
  });

  it("refuses moving a branch with a pull_request rule but through a pull request, unless the actor bypasses", async () => {
    github.setBranchRules(REPO, "main", [PULL_REQUEST_RULE], { bypass: ["gastown"] });
    const next = await commitOn("staging", { "s.txt": "s\n" }, "Staged");
    const before = await sha("heads/main");

    const refUpdate = await call(github, "PATCH", `/repos/${REPO}/git/refs/heads/main`, { token: mayor, body: { sha: next } });
    const merges = await merge("main", "staging", undefined, mayor);
    const contents = await call(github, "PUT", `/repos/${REPO}/contents/x.txt`, { token: mayor, body: { message: "x", content: Buffer.from("x\n").toString("base64") } });
    await gitClient(work, "clone", "--quiet", github.gitUrl(REPO, mayor), "town");
    const clone = join(work, "town");
    await gitClient(clone, "merge", "--quiet", "--ff-only", "origin/staging");
    const pushed = await gitClientFails(clone, "push", "origin", "main");
    const unmoved = await sha("heads/main");
    const bypassed = await call(github, "PATCH", `/repos/${REPO}/git/refs/heads/main`, { token, body: { sha: next } });

    const refusal = "Repository rule violations found\n\nChanges must be made through a pull request.\n\n";
    expect([refUpdate.status, message(refUpdate)]).toEqual([422, refusal]);
    expect([merges.status, message(merges)]).toEqual([422, refusal]);
    expect([contents.status, message(contents)]).toEqual([409, refusal]);
    expect(pushed).toContain("remote: error: GH013: Repository rule violations found for refs/heads/main.");
    expect(pushed).toContain(`remote: Review all repository rules at ${github.urls.web}/${REPO}/rules?ref=refs%2Fheads%2Fmain`);
    expect(pushed).toContain("remote: - Changes must be made through a pull request.");
    expect(unmoved).toBe(before);
    expect(bypassed.status).toBe(200);
    expect(await sha("heads/main")).toBe(next);
  });

  it("refuses a force move with non_fast_forward, and merge commits with required_linear_history", async () => {
    github.setBranchRules(REPO, "main", [{ type: "non_fast_forward" }, { type: "required_linear_history" }]);
    const side = await commitOn("side", { "s.txt": "s\n" }, "Side");
    await commitOn("main", { "m.txt": "m\n" }, "Main moves on");

    const forced = await call(github, "PATCH", `/repos/${REPO}/git/refs/heads/main`, { token, body: { sha: side, force: true } });
    const merged = await merge("main", "side");
    await gitClient(work, "clone", "--quiet", github.gitUrl(REPO, mayor), "town");
    const clone = join(work, "town");
    await gitClient(clone, "merge", "--quiet", "--no-edit", "--no-ff", "origin/side");
    const pushed = await gitClientFails(clone, "push", "origin", "main");
    await mkdir(join(clone, "more"), { recursive: true });
    await gitClient(clone, "reset", "--quiet", "--hard", "origin/main");
    await writeFile(join(clone, "more", "x.txt"), "x\n");
    await gitClient(clone, "add", ".");
    await gitClient(clone, "commit", "--quiet", "-m", "Linear");
    await gitClient(clone, "push", "--quiet", "origin", "main");

    expect([forced.status, message(forced)]).toEqual([422, "Repository rule violations found\n\nCannot force-push to this branch\n\n"]);
    expect([merged.status, message(merged)]).toEqual([422, "Repository rule violations found\n\nThis branch must not contain merge commits.\n\n"]);
    expect(pushed).toContain("remote: - This branch must not contain merge commits.");
    expect(await sha("heads/main")).toBe((await gitClient(clone, "rev-parse", "HEAD")).stdout.trim());
  });

  it("refuses to merge a pull request (405) until its approvals and required checks are there", async () => {
    github.setBranchRules(REPO, "main", [PULL_REQUEST_RULE, CHECKS_RULE]);
    const head = await commitOn("polecat/nux", { "pumps.txt": "fixed\n" }, "Fix the pumps");
    const number = await openPull("polecat/nux");
    const mergeIt = () => call(github, "PUT", `/repos/${REPO}/pulls/${number}/merge`, { token });
    const review = (as: string, event: string) => call(github, "POST", `/repos/${REPO}/pulls/${number}/reviews`, { token: github.userToken(as), body: { event, body: "seen" } });

    const bare = await mergeIt();
    await review("visitor", "APPROVE");
    const readerOnly = await mergeIt();
    await review("mayor", "APPROVE");
    await review("mayor", "REQUEST_CHANGES");
    const changed = await mergeIt();
    await review("witness", "APPROVE");
    await call(github, "POST", `/repos/${REPO}/statuses/${head}`, { token, body: { state: "pending", context: "ci" } });
    const pending = await mergeIt();
    await call(github, "POST", `/repos/${REPO}/check-runs`, { token, body: { name: "ci", head_sha: head, conclusion: "success" } });
    const merged = await mergeIt();

    const both = "Repository rule violations found\n\nAt least 1 approving review is required by reviewers with write access.\n\nRequired status check \"ci\" is expected.\n\n";
    expect([bare.status, message(bare)]).toEqual([405, both]);
    expect([readerOnly.status, message(readerOnly)]).toEqual([405, both]);
    expect([changed.status, message(changed)]).toEqual([405, both]);
    expect([pending.status, message(pending)]).toEqual([405, 'Repository rule violations found\n\nRequired status check "ci" is expected.\n\n']);
    expect([merged.status, (merged.body as { merged: boolean }).merged]).toEqual([200, true]);
  });

  it("takes a commit status as a required check, refuses a merge commit under linear history, and holds the head up to date under the strict policy", async () => {
    github.setBranchRules(REPO, "main", [
      { type: "required_status_checks", parameters: { strict_required_status_checks_policy: true, required_status_checks: [{ context: "ci" }] } },
      { type: "required_linear_history" },
    ]);
    const head = await commitOn("polecat/nux", { "pumps.txt": "fixed\n" }, "Fix the pumps");
    const number = await openPull("polecat/nux");
    await call(github, "POST", `/repos/${REPO}/statuses/${head}`, { token, body: { state: "success", context: "CI" } });
    await commitOnBranch(github, REPO, token, { branch: "main", files: { "other.txt": "o\n" }, message: "Elsewhere" });

    const behind = await call(github, "PUT", `/repos/${REPO}/pulls/${number}/merge`, { token, body: { merge_method: "squash" } });
    await merge("polecat/nux", "main");
    const updated = (await pull(number))["head"] as { sha: string };
    await call(github, "POST", `/repos/${REPO}/statuses/${updated.sha}`, { token, body: { state: "success", context: "ci" } });
    const mergeCommit = await call(github, "PUT", `/repos/${REPO}/pulls/${number}/merge`, { token, body: { merge_method: "merge" } });
    const squash = await call(github, "PUT", `/repos/${REPO}/pulls/${number}/merge`, { token, body: { merge_method: "squash" } });

    expect([behind.status, message(behind)]).toEqual([405, "Repository rule violations found\n\nHead branch is out of date with the base branch. Update it and try the merge again.\n\n"]);
    expect([mergeCommit.status, message(mergeCommit)]).toEqual([405, "Repository rule violations found\n\nThis branch must not contain merge commits.\n\n"]);
    expect(squash.status).toBe(200);
  });
});

describe("commit statuses", () => {
  it("records a status, sends `status` with the branches at the commit, and serves the combined status and the list", async () => {
    const main = await sha("heads/main");
    await call(github, "POST", `/repos/${REPO}/git/refs`, { token, body: { ref: "refs/heads/staging", sha: main } });
    await github.settled();
    const before = repoDeliveries(github).length;

    const created = await call(github, "POST", `/repos/${REPO}/statuses/${main}`, { token, body: { state: "pending", context: "ci", description: "Running", target_url: "https://ci.example.com/1" } });
    await call(github, "POST", `/repos/${REPO}/statuses/${main}`, { token, body: { state: "success", context: "lint" } });
    const pendingCombined = await call(github, "GET", `/repos/${REPO}/commits/main/status`, { token });
    await call(github, "POST", `/repos/${REPO}/statuses/${main}`, { token: mayor, body: { state: "success", context: "ci" } });
    const combined = await call(github, "GET", `/repos/${REPO}/commits/staging/status`, { token });
    const list = await call(github, "GET", `/repos/${REPO}/commits/${main}/statuses`, { token });
    await call(github, "POST", `/repos/${REPO}/statuses/${main}`, { token, body: { state: "error", context: "deploy" } });
    const failing = await call(github, "GET", `/repos/${REPO}/commits/main/status`, { token });
    const unknown = await call(github, "POST", `/repos/${REPO}/statuses/${"0".repeat(39)}1`, { token, body: { state: "success" } });
    await github.settled();

    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ state: "pending", context: "ci", description: "Running", target_url: "https://ci.example.com/1", creator: { login: "gastown[bot]" } });
    expect((pendingCombined.body as { state: string }).state).toBe("pending");
    const summary = combined.body as { state: string; sha: string; total_count: number; statuses: { context: string; state: string }[] };
    expect([summary.state, summary.sha, summary.total_count, summary.statuses.map((s) => [s.context, s.state])]).toEqual(["success", main, 2, [["ci", "success"], ["lint", "success"]]]);
    expect((list.body as { context: string; state: string }[]).map((s) => [s.context, s.state])).toEqual([["ci", "success"], ["lint", "success"], ["ci", "pending"]]);
    expect((failing.body as { state: string }).state).toBe("failure");
    expect([unknown.status, message(unknown)]).toEqual([422, `No commit found for SHA: ${"0".repeat(39)}1`]);
    const statuses = repoDeliveries(github).slice(before).filter((d) => d.event === "status");
    expect(statuses.map((d) => [d.payload["state"], d.payload["context"], d.payload["sha"], (d.payload["branches"] as { name: string }[]).map((b) => b.name), (d.payload["sender"] as { login: string }).login])).toEqual([
      ["pending", "ci", main, ["main", "staging"], "gastown[bot]"],
      ["success", "lint", main, ["main", "staging"], "gastown[bot]"],
      ["success", "ci", main, ["main", "staging"], "mayor"],
      ["error", "deploy", main, ["main", "staging"], "gastown[bot]"],
    ]);
  });
});

describe("listing runs and check runs", () => {
  const CI = "name: CI\non:\n  push:\n  workflow_dispatch:\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps: [{ run: 'true' }]\n";

  it("filters runs by head_sha and event, and runs a dispatch on a branch at that branch's tip", async () => {
    await commitOnBranch(github, REPO, mayor, { branch: "main", files: { ".github/workflows/ci.yml": CI }, message: "CI" });
    const staging = await commitOn("staging", { "s.txt": "s\n" }, "Staged");
    await github.settled();
    const main = await sha("heads/main");

    const dispatched = await call(github, "POST", `/repos/${REPO}/actions/workflows/ci.yml/dispatches`, { token, body: { ref: "staging", return_run_details: true } });
    await github.settled();
    const runId = (dispatched.body as { workflow_run_id: number }).workflow_run_id;
    const run = (await call(github, "GET", `/repos/${REPO}/actions/runs/${runId}`, { token })).body as Record<string, unknown>;
    const runsAt = async (path: string) => ((await call(github, "GET", path, { token })).body as { workflow_runs: { event: string; head_sha: string }[] }).workflow_runs.map((r) => [r.event, r.head_sha]);

    expect([run["head_branch"], run["head_sha"], run["event"]]).toEqual(["staging", staging, "workflow_dispatch"]);
    expect(await runsAt(`/repos/${REPO}/actions/runs?head_sha=${staging}`)).toEqual([
      ["workflow_dispatch", staging],
      ["push", staging],
    ]);
    expect(await runsAt(`/repos/${REPO}/actions/runs?event=push&head_sha=${main}`)).toEqual([["push", main]]);
    expect(await runsAt(`/repos/${REPO}/actions/workflows/ci.yml/runs?event=workflow_dispatch`)).toEqual([["workflow_dispatch", staging]]);
  });

  it("filters a ref's check runs by check_name and app_id", async () => {
    const main = await sha("heads/main");
    await call(github, "POST", `/repos/${REPO}/check-runs`, { token, body: { name: "ci", head_sha: main } });
    await call(github, "POST", `/repos/${REPO}/check-runs`, { token, body: { name: "lint", head_sha: main } });
    const names = async (query: string) => ((await call(github, "GET", `/repos/${REPO}/commits/main/check-runs?${query}`, { token })).body as { check_runs: { name: string }[] }).check_runs.map((r) => r.name);

    expect(await names("check_name=ci")).toEqual(["ci"]);
    expect(await names(`app_id=${github.app.id}`)).toEqual(["lint", "ci"]);
    expect(await names("app_id=15368")).toEqual([]);
  });
});
