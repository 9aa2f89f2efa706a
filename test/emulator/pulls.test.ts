// Pull requests over real branches: create, list, update, merge three ways, mergeability,
// reviews; and check runs, file contents and compare.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "./emulator.js";
import { call, commitOnBranch, refSha, repoDeliveries, startFixedEmulator } from "./testing.js";

let github: Emulator;
let token: string;
let reviewer: string;

beforeEach(async () => {
  github = await startFixedEmulator();
  await github.addRepo({ owner: "octo", name: "town", files: { "README.md": "# Town\n", ".github/gastown.yml": "limits:\n  max_polecats: 2\n" } });
  github.setCollaborator("octo/town", "mayor", "write");
  token = github.installationToken(github.install({ account: "octo" }));
  reviewer = github.userToken("mayor");
});

afterEach(async () => {
  await github.close();
  expect(github.problems).toEqual([]);
});

async function sha(ref: string): Promise<string> {
  return refSha(github, "octo/town", token, ref);
}

/** Commits `files` on top of `branch` (made from main when missing) through the API, as `as`. */
function commitOn(branch: string, files: Record<string, string>, message: string, as = token): Promise<string> {
  return commitOnBranch(github, "octo/town", as, { branch, files, message });
}

async function openPull(branch: string, title = "Polecat work"): Promise<{ status: number; body: Record<string, unknown> }> {
  const answer = await call(github, "POST", "/repos/octo/town/pulls", { token, body: { title, head: branch, base: "main", body: "Closes #1" } });
  return { status: answer.status, body: answer.body as Record<string, unknown> };
}

describe("pull requests", () => {
  it("opens one over a real branch, with git's counts and mergeability", async () => {
    const head = await commitOn("polecat/nux/gt-1", { "pumps.txt": "fixed\nand tested\n" }, "Fix the pumps");
    const pull = await openPull("polecat/nux/gt-1");

    expect(pull.status).toBe(201);
    expect(pull.body).toMatchObject({
      number: 1,
      state: "open",
      title: "Polecat work",
      head: { ref: "polecat/nux/gt-1", sha: head, label: "octo:polecat/nux/gt-1" },
      base: { ref: "main", sha: await sha("heads/main") },
      merged: false,
      mergeable: true,
      mergeable_state: "clean",
      commits: 1,
      additions: 2,
      deletions: 0,
      changed_files: 1,
      user: { login: "gastown[bot]" },
    });
  });

  it("refuses a second pull request for the same branches and one with no commits", async () => {
    await commitOn("topic", { "a.txt": "a\n" }, "A");
    await openPull("topic");
    await call(github, "POST", "/repos/octo/town/git/refs", { token, body: { ref: "refs/heads/empty", sha: await sha("heads/main") } });

    const twice = await openPull("topic");
    const empty = await openPull("empty");

    expect(twice.status).toBe(422);
    expect(twice.body["errors"]).toEqual([{ resource: "PullRequest", code: "custom", field: "head", message: "A pull request already exists for octo:topic." }]);
    expect(empty.body["errors"]).toEqual([{ resource: "PullRequest", code: "custom", field: "head", message: "No commits between main and empty" }]);
  });

  it("follows its head: a push is a synchronize, and a conflict makes it dirty", async () => {
    await commitOn("topic", { "README.md": "# Topic town\n" }, "Retitle");
    await openPull("topic");
    await commitOn("main", { "README.md": "# Main town\n" }, "Retitle differently");
    const after = await commitOn("topic", { "more.txt": "more\n" }, "More");
    await github.settled();

    const pull = (await call(github, "GET", "/repos/octo/town/pulls/1", { token })).body;
    expect(pull).toMatchObject({ head: { sha: after }, commits: 2, mergeable: false, mergeable_state: "dirty" });
    const events = repoDeliveries(github).filter((d) => d.event === "pull_request").map((d) => d.action);
    expect(events).toEqual(["opened", "synchronize"]);
    const merge = await call(github, "PUT", "/repos/octo/town/pulls/1/merge", { token, body: { merge_method: "merge" } });
    expect([merge.status, (merge.body as { message: string }).message]).toEqual([405, "Pull Request is not mergeable"]);
  });

  it.each([
    ["merge", 2],
    ["squash", 1],
    ["rebase", 1],
  ])("merges with %s, moving main and closing the pull request", async (method, parents) => {
    const base = await sha("heads/main");
    const head = await commitOn("topic", { "a.txt": "a\n" }, "Add a");
    await openPull("topic", "Add a file");

    const merged = await call(github, "PUT", "/repos/octo/town/pulls/1/merge", { token, body: { merge_method: method, sha: head } });
    const tip = await sha("heads/main");
    const commit = (await call(github, "GET", `/repos/octo/town/git/commits/${tip}`, { token })).body as { parents: { sha: string }[]; message: string; committer: { name: string } };
    const pull = (await call(github, "GET", "/repos/octo/town/pulls/1", { token })).body;
    await github.settled();

    expect(merged.body).toEqual({ sha: tip, merged: true, message: "Pull Request successfully merged" });
    expect(commit.parents.map((p) => p.sha)).toEqual(parents === 2 ? [base, head] : [base]);
    expect(commit.message).toBe({ merge: "Merge pull request #1 from octo/topic\n\nAdd a file\n", squash: "Add a file (#1)\n\n* Add a\n", rebase: "Add a" }[method]);
    expect(commit.committer.name).toBe("GitHub");
    expect(pull).toMatchObject({ state: "closed", merged: true, merge_commit_sha: tip, merged_by: { login: "gastown[bot]" }, commits: 1 });
    expect(repoDeliveries(github).filter((d) => !["push", "create", "delete"].includes(d.event)).map((d) => `${d.event}.${d.action}`)).toEqual(["pull_request.opened", "pull_request.closed"]);
    expect(repoDeliveries(github).at(-1)?.payload).toMatchObject({ action: "closed", pull_request: { merged: true } });
  });

  it("answers 409 when the head moved since the sha the merge names", async () => {
    const first = await commitOn("topic", { "a.txt": "a\n" }, "A");
    await openPull("topic");
    await commitOn("topic", { "b.txt": "b\n" }, "B");

    const stale = await call(github, "PUT", "/repos/octo/town/pulls/1/merge", { token, body: { sha: first } });

    expect([stale.status, (stale.body as { message: string }).message]).toEqual([409, "Head branch was modified. Review and try the merge again."]);
  });

  it("edits and closes, lists by state and head, and takes reviews", async () => {
    await commitOn("topic", { "a.txt": "a\n" }, "A");
    await openPull("topic");
    await call(github, "PATCH", "/repos/octo/town/pulls/1", { token, body: { title: "Better title" } });
    const review = await call(github, "POST", "/repos/octo/town/pulls/1/reviews", { token: reviewer, body: { event: "APPROVE", body: "" } });
    const own = await call(github, "POST", "/repos/octo/town/pulls/1/reviews", { token, body: { event: "APPROVE" } });
    const reviews = await call(github, "GET", "/repos/octo/town/pulls/1/reviews", { token });
    await call(github, "PATCH", "/repos/octo/town/pulls/1", { token, body: { state: "closed" } });
    const open = await call(github, "GET", "/repos/octo/town/pulls", { token });
    const closed = await call(github, "GET", "/repos/octo/town/pulls?state=closed&head=octo:topic", { token });
    await github.settled();

    expect(review.status).toBe(200);
    expect([own.status, own.body]).toEqual([422, { message: "Unprocessable Entity", errors: ["Can not approve your own pull request"], documentation_url: "https://docs.github.com/rest/pulls/reviews#create-a-review-for-a-pull-request", status: "422" }]);
    expect(reviews.body).toMatchObject([{ state: "APPROVED", user: { login: "mayor" } }]);
    expect(open.body).toEqual([]);
    expect(closed.body).toMatchObject([{ number: 1, title: "Better title", state: "closed", merged: false }]);
    expect(repoDeliveries(github).filter((d) => !["push", "create", "delete"].includes(d.event)).map((d) => `${d.event}.${d.action}`)).toEqual([
      "pull_request.opened",
      "pull_request.edited",
      "pull_request_review.submitted",
      "pull_request.closed",
    ]);
  });
});

// GitHub refuses to let an App without the workflows permission land a change to
// .github/workflows/, by merge as by push; a person's token may.
describe("merging a change to a workflow file", () => {
  const workflow = "on: workflow_dispatch\njobs:\n  work:\n    runs-on: ubuntu-latest\n    steps: [{ run: 'true' }]\n";

  it.each(["merge", "squash", "rebase"])("refuses the App's %s, merging nothing", async (method) => {
    const base = await sha("heads/main");
    await commitOn("topic", { ".github/workflows/work.yml": workflow, "a.txt": "a\n" }, "Add a workflow", reviewer);
    await openPull("topic", "Add a workflow");

    const merge = await call(github, "PUT", "/repos/octo/town/pulls/1/merge", { token, body: { merge_method: method } });
    const pull = (await call(github, "GET", "/repos/octo/town/pulls/1", { token })).body;
    await github.settled();

    expect([merge.status, (merge.body as { message: string }).message]).toEqual([403, "refusing to allow a GitHub App to create or update workflow `.github/workflows/work.yml` without `workflows` permission"]);
    expect(await sha("heads/main")).toBe(base);
    expect(pull).toMatchObject({ state: "open", merged: false, merge_commit_sha: null });
    expect(repoDeliveries(github).filter((d) => d.event === "pull_request").map((d) => d.action)).toEqual(["opened"]);
  });

  it("takes the same merge from a person", async () => {
    await commitOn("topic", { ".github/workflows/work.yml": workflow }, "Add a workflow", reviewer);
    await openPull("topic", "Add a workflow");

    const merge = await call(github, "PUT", "/repos/octo/town/pulls/1/merge", { token: reviewer, body: { merge_method: "merge" } });

    expect(merge.status).toBe(200);
    expect(await sha("heads/main")).toBe((merge.body as { sha: string }).sha);
    expect((await github.git("octo/town").fileAt(await sha("heads/main"), ".github/workflows/work.yml"))?.content.toString()).toBe(workflow);
  });

  it("lets the App merge a pull request that leaves workflows alone, though main changed one since it branched", async () => {
    await commitOn("topic", { "a.txt": "a\n" }, "Add a");
    await openPull("topic");
    await commitOn("main", { ".github/workflows/work.yml": workflow }, "Add a workflow", reviewer);

    const merge = await call(github, "PUT", "/repos/octo/town/pulls/1/merge", { token, body: { merge_method: "merge" } });

    expect(merge.status).toBe(200);
  });
});

describe("check runs", () => {
  it("sends created and completed, and nothing for an update in between", async () => {
    const head = await sha("heads/main");
    const created = await call(github, "POST", "/repos/octo/town/check-runs", {
      token,
      body: { name: "gastown/polecat", head_sha: head, status: "in_progress", external_id: "gt-1@1", output: { title: "working · step 1/3", summary: "<!-- gastown:heartbeat -->" } },
    });
    const id = (created.body as { id: number }).id;
    await call(github, "PATCH", `/repos/octo/town/check-runs/${id}`, { token, body: { output: { title: "working · step 2/3", summary: "beat" } } });
    const done = await call(github, "PATCH", `/repos/octo/town/check-runs/${id}`, { token, body: { conclusion: "success" } });
    const listed = await call(github, "GET", `/repos/octo/town/commits/main/check-runs?check_name=gastown/polecat`, { token });
    await github.settled();

    expect(created.body).toMatchObject({ name: "gastown/polecat", status: "in_progress", conclusion: null, external_id: "gt-1@1", head_sha: head });
    expect(done.body).toMatchObject({ status: "completed", conclusion: "success", completed_at: "2025-06-01T12:00:00Z", output: { title: "working · step 2/3", summary: "beat" } });
    expect(listed.body).toMatchObject({ total_count: 1, check_runs: [{ id }] });
    expect(repoDeliveries(github).map((d) => `${d.event}.${d.action}`)).toEqual(["check_run.created", "check_run.completed", "check_suite.completed"]);
    // The suite completes with its last run.
    // https://docs.github.com/en/webhooks/webhook-events-and-payloads#check_suite
    expect(repoDeliveries(github).at(-1)?.payload).toMatchObject({
      action: "completed",
      check_suite: {
        id: (created.body as { check_suite: { id: number } }).check_suite.id,
        head_branch: "main",
        head_sha: head,
        status: "completed",
        conclusion: "success",
        before: null,
        after: head,
        latest_check_runs_count: 1,
        app: { slug: "gastown" },
        head_commit: { id: head },
      },
      repository: { full_name: "octo/town" },
      installation: {},
    });
  });

  it("completes the suite only when its last run completes, with the most severe conclusion", async () => {
    const head = await sha("heads/main");
    const run = async (name: string) => ((await call(github, "POST", "/repos/octo/town/check-runs", { token, body: { name, head_sha: head } })).body as { id: number }).id;
    const [first, second] = [await run("one"), await run("two")];
    await call(github, "PATCH", `/repos/octo/town/check-runs/${first}`, { token, body: { conclusion: "failure" } });
    await github.settled();
    expect(repoDeliveries(github).map((d) => `${d.event}.${d.action}`)).toEqual(["check_run.created", "check_run.created", "check_run.completed"]);

    await call(github, "PATCH", `/repos/octo/town/check-runs/${second}`, { token, body: { conclusion: "success" } });
    await github.settled();
    expect(repoDeliveries(github).slice(3).map((d) => `${d.event}.${d.action}`)).toEqual(["check_run.completed", "check_suite.completed"]);
    expect(repoDeliveries(github).at(-1)?.payload).toMatchObject({ check_suite: { status: "completed", conclusion: "failure", latest_check_runs_count: 2 } });
  });

  it("belongs to the App that made it: GitHub Actions' for a run's GITHUB_TOKEN, which no other App may change", async () => {
    // A workflow file needs the workflows permission, which the App lacks: a person adds it.
    const workflow = "on: workflow_dispatch\njobs:\n  work:\n    runs-on: ubuntu-latest\n    steps: [{ run: 'true' }]\n";
    await call(github, "PUT", "/repos/octo/town/contents/.github/workflows/work.yml", {
      token: reviewer, body: { message: "Add a workflow", content: Buffer.from(workflow).toString("base64") },
    });
    await call(github, "POST", "/repos/octo/town/actions/workflows/work.yml/dispatches", { token: reviewer, body: { ref: "main" } });
    await github.settled();
    const runToken = github.state.repos["octo/town"]?.runs[0]?.token as string;
    const head = await sha("heads/main");
    const beat = await call(github, "POST", "/repos/octo/town/check-runs", { token: runToken, body: { name: "gastown/polecat", head_sha: head, status: "in_progress" } });
    const id = (beat.body as { id: number }).id;
    const mine = await call(github, "POST", "/repos/octo/town/check-runs", { token, body: { name: "gastown/queue", head_sha: head } });

    expect((beat.body as { app: { slug: string; id: number } }).app).toMatchObject({ id: 15368, slug: "github-actions", owner: { login: "github" } });
    expect((mine.body as { app: { slug: string } }).app.slug).toBe("gastown");
    // Each App has its own check suite on a commit.
    expect((mine.body as { check_suite: { id: number } }).check_suite.id).not.toBe((beat.body as { check_suite: { id: number } }).check_suite.id);
    const taken = await call(github, "PATCH", `/repos/octo/town/check-runs/${id}`, { token, body: { conclusion: "success" } });
    expect([taken.status, (taken.body as { message: string }).message]).toEqual([403, "Resource not accessible by integration"]);
    const own = await call(github, "PATCH", `/repos/octo/town/check-runs/${id}`, { token: runToken, body: { conclusion: "neutral" } });
    expect(own.body).toMatchObject({ status: "completed", conclusion: "neutral" });
  });

  it("refuses a check run on a commit that does not exist", async () => {
    const answer = await call(github, "POST", "/repos/octo/town/check-runs", { token, body: { name: "x", head_sha: "0123456789012345678901234567890123456789" } });

    expect([answer.status, (answer.body as { message: string }).message]).toEqual([422, "No commit found for SHA: 0123456789012345678901234567890123456789"]);
  });
});

describe("contents and compare", () => {
  it("serves a config file as JSON and raw, a directory as a list, and 404 for nothing", async () => {
    const file = await call(github, "GET", "/repos/octo/town/contents/.github/gastown.yml", { token });
    const raw = await fetch(`${github.urls.api}/repos/octo/town/contents/.github/gastown.yml`, { headers: { authorization: `token ${token}`, accept: "application/vnd.github.raw" } });
    const dir = await call(github, "GET", "/repos/octo/town/contents/.github", { token });
    const missing = await call(github, "GET", "/repos/octo/town/contents/.github/nothing.yml", { token });

    expect(file.body).toMatchObject({ type: "file", name: "gastown.yml", path: ".github/gastown.yml", encoding: "base64" });
    expect(Buffer.from((file.body as { content: string }).content, "base64").toString()).toBe("limits:\n  max_polecats: 2\n");
    expect(await raw.text()).toBe("limits:\n  max_polecats: 2\n");
    const download = await fetch((file.body as { download_url: string }).download_url);
    expect(await download.text()).toBe("limits:\n  max_polecats: 2\n");
    expect((dir.body as { path: string; type: string }[]).map((e) => [e.path, e.type])).toEqual([[".github/gastown.yml", "file"]]);
    expect(missing.status).toBe(404);
  });

  it("creates and updates a file in a commit, asking for the old sha", async () => {
    const created = await call(github, "PUT", "/repos/octo/town/contents/docs/a.md", { token, body: { message: "Add a", content: Buffer.from("a\n").toString("base64") } });
    const blob = ((created.body as { content: { sha: string } }).content).sha;
    const noSha = await call(github, "PUT", "/repos/octo/town/contents/docs/a.md", { token, body: { message: "Change a", content: Buffer.from("b\n").toString("base64") } });
    const updated = await call(github, "PUT", "/repos/octo/town/contents/docs/a.md", { token, body: { message: "Change a", content: Buffer.from("b\n").toString("base64"), sha: blob } });

    expect([created.status, noSha.status, updated.status]).toEqual([201, 422, 200]);
    expect(updated.body).toMatchObject({ content: { path: "docs/a.md", size: 2 }, commit: { message: "Change a" } });
  });

  it("compares two branches: ahead, behind, diverged, with the files changed", async () => {
    await commitOn("topic", { "a.txt": "a\nb\n" }, "Add a");
    const ahead = await call(github, "GET", "/repos/octo/town/compare/main...topic", { token });
    await commitOn("main", { "m.txt": "m\n" }, "Add m");
    const diverged = await call(github, "GET", "/repos/octo/town/compare/main...topic", { token });

    expect(ahead.body).toMatchObject({ status: "ahead", ahead_by: 1, behind_by: 0, total_commits: 1, commits: [{ commit: { message: "Add a" } }], files: [{ filename: "a.txt", status: "added", additions: 2, deletions: 0, changes: 2 }] });
    expect(diverged.body).toMatchObject({ status: "diverged", ahead_by: 1, behind_by: 1 });
  });
});

describe("pull requests through the issues API", () => {
  it("labels and assigns a pull request with pull_request events", async () => {
    await commitOn("topic", { "a.txt": "a\n" }, "A");
    await openPull("topic");

    await call(github, "POST", "/repos/octo/town/issues/1/labels", { token, body: { labels: ["gt:queue"] } });
    await call(github, "POST", "/repos/octo/town/issues/1/assignees", { token, body: { assignees: ["mayor"] } });
    const issue = await call(github, "GET", "/repos/octo/town/issues/1", { token });
    await github.settled();

    expect(issue.body).toMatchObject({ pull_request: { url: `${github.urls.api}/repos/octo/town/pulls/1` }, labels: [{ name: "gt:queue" }] });
    expect(repoDeliveries(github).filter((d) => d.event === "pull_request").map((d) => d.action)).toEqual(["opened", "labeled", "assigned"]);
    expect(repoDeliveries(github).at(-1)?.payload).toMatchObject({ assignee: { login: "mayor" }, pull_request: { assignees: [{ login: "mayor" }] } });
  });
});

// https://docs.github.com/en/rest/pulls/reviews and https://docs.github.com/en/rest/pulls/comments
describe("pending reviews and review comments", () => {
  it("keeps a review without an event PENDING, seen only by its author, until it is submitted", async () => {
    await commitOn("topic", { "a.txt": "a\n" }, "A");
    await openPull("topic");

    const pending = await call(github, "POST", "/repos/octo/town/pulls/1/reviews", { token: reviewer, body: { body: "Looks close" } });
    const id = (pending.body as { id: number }).id;
    const second = await call(github, "POST", "/repos/octo/town/pulls/1/reviews", { token: reviewer, body: {} });
    const seenByOthers = await call(github, "GET", "/repos/octo/town/pulls/1/reviews", { token });
    const seenByAuthor = await call(github, "GET", "/repos/octo/town/pulls/1/reviews", { token: reviewer });
    const byOther = await call(github, "POST", `/repos/octo/town/pulls/1/reviews/${id}/events`, { token, body: { event: "COMMENT", body: "Mine now" } });
    await github.settled();
    expect(repoDeliveries(github).filter((d) => d.event === "pull_request_review")).toEqual([]);

    const submitted = await call(github, "POST", `/repos/octo/town/pulls/1/reviews/${id}/events`, { token: reviewer, body: { event: "APPROVE" } });
    const again = await call(github, "POST", `/repos/octo/town/pulls/1/reviews/${id}/events`, { token: reviewer, body: { event: "APPROVE" } });
    await github.settled();

    expect(pending.status).toBe(200);
    expect(pending.body).toMatchObject({ id, state: "PENDING", body: "Looks close", user: { login: "mayor" } });
    expect(pending.body).not.toHaveProperty("submitted_at");
    expect([second.status, second.body]).toEqual([
      422,
      { message: "Unprocessable Entity", errors: ["User can only have one pending review per pull request"], documentation_url: "https://docs.github.com/rest/pulls/reviews#create-a-review-for-a-pull-request", status: "422" },
    ]);
    expect(seenByOthers.body).toEqual([]);
    expect(seenByAuthor.body).toMatchObject([{ id, state: "PENDING" }]);
    expect(byOther.status).toBe(404);
    expect(submitted.status).toBe(200);
    expect(submitted.body).toMatchObject({ id, state: "APPROVED", body: "Looks close", submitted_at: "2025-06-01T12:00:00Z" });
    expect(again.status).toBe(422);
    const reviews = repoDeliveries(github).filter((d) => d.event === "pull_request_review");
    expect(reviews.map((d) => d.action)).toEqual(["submitted"]);
    expect(reviews[0]?.payload).toMatchObject({ action: "submitted", review: { id, user: { login: "mayor" } }, pull_request: { number: 1 } });
  });

  it("comments on a line of the diff, with its hunk, and lists the comments", async () => {
    const head = await commitOn("topic", { "pumps.txt": "fixed\nand tested\n" }, "Fix the pumps");
    await openPull("topic");

    const created = await call(github, "POST", "/repos/octo/town/pulls/1/comments", { token: reviewer, body: { body: "Tested how?", commit_id: head, path: "pumps.txt", line: 2 } });
    const id = (created.body as { id: number }).id;
    const outside = await call(github, "POST", "/repos/octo/town/pulls/1/comments", { token: reviewer, body: { body: "?", commit_id: head, path: "README.md", line: 1 } });
    const notInPull = await call(github, "POST", "/repos/octo/town/pulls/1/comments", { token: reviewer, body: { body: "?", commit_id: await sha("heads/main"), path: "pumps.txt", line: 1 } });
    const listed = await call(github, "GET", "/repos/octo/town/pulls/1/comments", { token });
    const pull = await call(github, "GET", "/repos/octo/town/pulls/1", { token });
    await github.settled();

    const api = `${github.urls.api}/repos/octo/town/pulls`;
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      url: `${api}/comments/${id}`,
      pull_request_review_id: null,
      diff_hunk: "@@ -0,0 +1,2 @@\n+fixed\n+and tested",
      path: "pumps.txt",
      position: 2,
      line: 2,
      side: "RIGHT",
      commit_id: head,
      body: "Tested how?",
      user: { login: "mayor" },
      pull_request_url: `${api}/1`,
      html_url: `${github.urls.web}/octo/town/pull/1#discussion_r${id}`,
      created_at: "2025-06-01T12:00:00Z",
    });
    const documentation = "https://docs.github.com/rest/pulls/comments#create-a-review-comment-for-a-pull-request";
    expect([outside.status, outside.body]).toEqual([
      422,
      { message: "Validation Failed", errors: [{ resource: "PullRequestReviewComment", code: "custom", field: "pull_request_review_thread.line", message: "could not be resolved" }], documentation_url: documentation, status: "422" },
    ]);
    expect([notInPull.status, (notInPull.body as { errors: unknown }).errors]).toEqual([
      422,
      [{ resource: "PullRequestReviewComment", code: "custom", field: "pull_request_review_thread.end_commit_oid", message: "pull_request_review_thread.end_commit_oid is not part of the pull request" }],
    ]);
    expect(listed.body).toEqual([created.body]);
    expect(pull.body).toMatchObject({ review_comments: 1 });
    const comments = repoDeliveries(github).filter((d) => d.event === "pull_request_review_comment");
    expect(comments.map((d) => d.action)).toEqual(["created"]);
    expect(comments[0]?.payload).toMatchObject({ action: "created", comment: { id, path: "pumps.txt", line: 2, diff_hunk: "@@ -0,0 +1,2 @@\n+fixed\n+and tested" }, pull_request: { number: 1 } });
  });
});
