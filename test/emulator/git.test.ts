// git and the Git Data API over one real bare repository: what one writes the other reads,
// pushes arrive as signed push webhooks, and GitHub's refusals hold (non-fast-forward ref
// updates, workflow files without the `workflows` permission).
import { mkdtemp, readFile, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "./emulator.js";
import { call, repoDeliveries, gitClient, gitClientFails, startFixedEmulator, startReceiver } from "./testing.js";

const git = gitClient;
const gitFails = gitClientFails;

let github: Emulator;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let installationId: number;
let token: string;
let work: string;

beforeEach(async () => {
  receiver = await startReceiver();
  github = await startFixedEmulator({ webhookUrl: receiver.url });
  await github.addRepo({ owner: "octo", name: "town", files: { "README.md": "# Town\n" } });
  installationId = github.install({ account: "octo" });
  token = github.installationToken(installationId);
  work = await mkdtemp(join(tmpdir(), "emulator-git-test-"));
});

afterEach(async () => {
  await github.close();
  await receiver.close();
  await rm(work, { recursive: true, force: true });
  expect(github.problems).toEqual([]);
});

async function apiCommit(path: string, content: string, message: string, parent: string): Promise<string> {
  const blob = await call(github, "POST", "/repos/octo/town/git/blobs", { token, body: { content, encoding: "utf-8" } });
  const tree = await call(github, "POST", "/repos/octo/town/git/trees", {
    token,
    body: { base_tree: parent, tree: [{ path, mode: "100644", type: "blob", sha: (blob.body as { sha: string }).sha }] },
  });
  const commit = await call(github, "POST", "/repos/octo/town/git/commits", {
    token,
    body: { message, tree: (tree.body as { sha: string }).sha, parents: [parent] },
  });
  return (commit.body as { sha: string }).sha;
}

async function mainSha(): Promise<string> {
  const ref = await call(github, "GET", "/repos/octo/town/git/ref/heads/main", { token });
  return (ref.body as { object: { sha: string } }).object.sha;
}

describe("the Git Data API and git clone", () => {
  it("shows a commit made through the API in a clone", async () => {
    const base = await mainSha();
    const sha = await apiCommit(".beads/issues.jsonl", '{"id":"gt-1"}\n', "Ledger: add gt-1", base);
    const moved = await call(github, "PATCH", "/repos/octo/town/git/refs/heads/main", { token, body: { sha } });

    await git(work, "clone", "--quiet", github.gitUrl("octo/town", token), "town");

    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ ref: "refs/heads/main", object: { type: "commit", sha } });
    expect(await readFile(join(work, "town", ".beads", "issues.jsonl"), "utf8")).toBe('{"id":"gt-1"}\n');
    expect((await git(join(work, "town"), "log", "--format=%s %an", "-1")).stdout).toBe("Ledger: add gt-1 gastown[bot]\n");
  });

  it("shows a pushed commit through the API and sends a signed push webhook", async () => {
    await git(work, "clone", "--quiet", github.gitUrl("octo/town", token), "town");
    const clone = join(work, "town");
    await writeFile(join(clone, "notes.txt"), "hello\n");
    await git(clone, "add", "notes.txt");
    await git(clone, "commit", "--quiet", "-m", "Add notes");
    const before = await mainSha();
    await git(clone, "push", "--quiet", "origin", "main");
    const after = (await git(clone, "rev-parse", "HEAD")).stdout.trim();
    await github.settled();

    const commit = await call(github, "GET", `/repos/octo/town/git/commits/${after}`, { token });
    expect(commit.body).toMatchObject({ sha: after, message: "Add notes\n", parents: [{ sha: before }], author: { name: "Nux", email: "nux@example.com", date: "2025-06-01T12:00:00Z" } });
    expect(await mainSha()).toBe(after);

    expect(repoDeliveries(github).map((d) => d.event)).toEqual(["push"]);
    const push = repoDeliveries(github)[0];
    expect(push?.payload).toMatchObject({
      ref: "refs/heads/main",
      before,
      after,
      created: false,
      deleted: false,
      forced: false,
      commits: [{ id: after, message: "Add notes", added: ["notes.txt"], removed: [], modified: [], author: { name: "Nux", email: "nux@example.com" } }],
      head_commit: { id: after },
      pusher: { name: "gastown[bot]" },
      sender: { login: "gastown[bot]" },
    });
    expect(receiver.received.map((r) => r.headers["x-github-event"])).toEqual(["push"]);
  });

  it("asks git for credentials and refuses a token without access", async () => {
    const denied = await gitFails(work, "clone", "--quiet", github.gitUrl("octo/town"), "anonymous");
    expect(denied).toContain("could not read Username");

    const other = await startFixedEmulator();
    try {
      await other.addRepo({ owner: "else", name: "where" });
      const foreign = github.userToken("stranger");
      const stderr = await gitFails(work, "clone", "--quiet", github.gitUrl("octo/town", foreign), "stranger");
      expect(stderr).toContain("Permission to octo/town.git denied to stranger.");
    } finally {
      await other.close();
    }
  });
});

describe("ref updates", () => {
  // https://docs.github.com/en/rest/git/refs#update-a-reference
  it("refuses a non-fast-forward update without force (422) and takes it with force", async () => {
    const base = await mainSha();
    const first = await apiCommit("a.txt", "a\n", "A", base);
    const sibling = await apiCommit("b.txt", "b\n", "B", base);
    await call(github, "PATCH", "/repos/octo/town/git/refs/heads/main", { token, body: { sha: first } });

    const refused = await call(github, "PATCH", "/repos/octo/town/git/refs/heads/main", { token, body: { sha: sibling } });
    const forced = await call(github, "PATCH", "/repos/octo/town/git/refs/heads/main", { token, body: { sha: sibling, force: true } });
    await github.settled();

    expect(refused.status).toBe(422);
    expect(refused.body).toEqual({ message: "Update is not a fast forward", documentation_url: "https://docs.github.com/rest/git/refs#update-a-reference", status: "422" });
    expect(forced.status).toBe(200);
    expect(repoDeliveries(github).map((d) => [d.event, d.payload["forced"]])).toEqual([
      ["push", false],
      ["push", true],
    ]);
  });

  it("creates and deletes branches, each a push with a create or delete", async () => {
    const base = await mainSha();
    const created = await call(github, "POST", "/repos/octo/town/git/refs", { token, body: { ref: "refs/heads/gastown/ledger", sha: base } });
    const again = await call(github, "POST", "/repos/octo/town/git/refs", { token, body: { ref: "refs/heads/gastown/ledger", sha: base } });
    const matching = await call(github, "GET", "/repos/octo/town/git/matching-refs/heads/gastown", { token });
    const deleted = await call(github, "DELETE", "/repos/octo/town/git/refs/heads/gastown/ledger", { token });
    const gone = await call(github, "GET", "/repos/octo/town/git/ref/heads/gastown/ledger", { token });
    await github.settled();

    expect([created.status, again.status, deleted.status, gone.status]).toEqual([201, 422, 204, 404]);
    expect((again.body as { message: string }).message).toBe("Reference already exists");
    expect((matching.body as { ref: string }[]).map((r) => r.ref)).toEqual(["refs/heads/gastown/ledger"]);
    expect(repoDeliveries(github).filter((d) => d.event === "push").map((d) => [d.payload["ref"], d.payload["created"], d.payload["deleted"]])).toEqual([
      ["refs/heads/gastown/ledger", true, false],
      ["refs/heads/gastown/ledger", false, true],
    ]);
    // https://docs.github.com/en/webhooks/webhook-events-and-payloads#create
    // https://docs.github.com/en/webhooks/webhook-events-and-payloads#delete
    const lifecycle = repoDeliveries(github).filter((d) => d.event !== "push");
    expect(lifecycle.map((d) => d.event)).toEqual(["create", "delete"]);
    const { repository: _created, sender: createdBy, installation: _i1, ...create } = lifecycle[0]?.payload ?? {};
    expect(create).toEqual({ ref: "gastown/ledger", ref_type: "branch", master_branch: "main", description: null, pusher_type: "user" });
    expect(createdBy).toMatchObject({ login: "gastown[bot]" });
    const { repository: _deleted, sender: _s2, installation: _i2, ...remove } = lifecycle[1]?.payload ?? {};
    expect(remove).toEqual({ ref: "gastown/ledger", ref_type: "branch", pusher_type: "user" });
  });

  it("makes a planned lost race: a rival commit lands first and the update is refused", async () => {
    const base = await mainSha();
    const mine = await apiCommit("ledger.jsonl", "mine\n", "Mine", base);
    github.inject({ kind: "lost-race", ref: "heads/main" });

    const lost = await call(github, "PATCH", "/repos/octo/town/git/refs/heads/main", { token, body: { sha: mine } });
    const rival = await mainSha();

    expect(lost.status).toBe(422);
    expect((lost.body as { message: string }).message).toBe("Update is not a fast forward");
    expect(rival).not.toBe(base);
    const rivalCommit = await call(github, "GET", `/repos/octo/town/git/commits/${rival}`, { token });
    expect(rivalCommit.body).toMatchObject({ parents: [{ sha: base }], message: "A concurrent update\n" });
    // The retry, built on the new tip, wins.
    const retry = await apiCommit("ledger.jsonl", "mine\n", "Mine", rival);
    expect((await call(github, "PATCH", "/repos/octo/town/git/refs/heads/main", { token, body: { sha: retry } })).status).toBe(200);
  });
});

describe("workflow files", () => {
  async function commitWorkflow(clone: string): Promise<void> {
    await mkdir(join(clone, ".github", "workflows"), { recursive: true });
    await writeFile(join(clone, ".github", "workflows", "ci.yml"), "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps: [{ run: 'true' }]\n");
    await git(clone, "add", ".");
    await git(clone, "commit", "--quiet", "-m", "Add CI");
  }

  // https://docs.github.com/en/apps/creating-github-apps/registering-a-github-app/choosing-permissions-for-a-github-app
  it("refuses a push that changes .github/workflows/ without the workflows permission", async () => {
    await git(work, "clone", "--quiet", github.gitUrl("octo/town", token), "town");
    const clone = join(work, "town");
    await commitWorkflow(clone);
    const before = await mainSha();

    const stderr = await gitFails(clone, "push", "origin", "main");

    expect(stderr).toContain("refusing to allow a GitHub App to create or update workflow `.github/workflows/ci.yml` without `workflows` permission");
    expect(stderr).toContain("[remote rejected] main -> main");
    expect(await mainSha()).toBe(before);
    await github.settled();
    expect(repoDeliveries(github)).toEqual([]);
  });

  it("refuses it on a new branch too", async () => {
    await git(work, "clone", "--quiet", github.gitUrl("octo/town", token), "town");
    const clone = join(work, "town");
    await commitWorkflow(clone);

    const newBranch = await gitFails(clone, "push", "origin", "HEAD:refs/heads/polecat/nux/gt-1");

    expect(newBranch).toContain("refusing to allow a GitHub App to create or update workflow `.github/workflows/ci.yml` without `workflows` permission");
    expect(await github.git("octo/town").resolveRef("refs/heads/polecat/nux/gt-1")).toBeUndefined();
  });

  it("refuses a new branch that merges in a base whose workflow changed", async () => {
    await git(work, "clone", "--quiet", github.gitUrl("octo/town", token), "town");
    const clone = join(work, "town");
    await git(clone, "checkout", "--quiet", "-b", "topic");
    await writeFile(join(clone, "notes.txt"), "notes\n");
    await git(clone, "add", "notes.txt");
    await git(clone, "commit", "--quiet", "-m", "Add notes");
    github.setCollaborator("octo/town", "mayor", "write");
    const ci = "on: workflow_dispatch\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps: [{ run: 'true' }]\n";
    await call(github, "PUT", "/repos/octo/town/contents/.github/workflows/ci.yml", { token: github.userToken("mayor"), body: { message: "Add CI", content: Buffer.from(ci).toString("base64") } });
    await git(clone, "pull", "--quiet", "--no-rebase", "--no-edit", "origin", "main");

    const stderr = await gitFails(clone, "push", "origin", "HEAD:refs/heads/topic");

    expect(stderr).toContain("refusing to allow a GitHub App to create or update workflow `.github/workflows/ci.yml` without `workflows` permission");
    expect(await github.git("octo/town").resolveRef("refs/heads/topic")).toBeUndefined();
  });

  it("takes the same push from an App installed with the workflows permission", async () => {
    const privileged = await startFixedEmulator({ app: { permissions: { contents: "write", workflows: "write" } } });
    try {
      await privileged.addRepo({ owner: "octo", name: "town", files: { "README.md": "# Town\n" } });
      const strong = privileged.installationToken(privileged.install({ account: "octo" }));
      await git(work, "clone", "--quiet", privileged.gitUrl("octo/town", strong), "town");
      const clone = join(work, "town");
      await commitWorkflow(clone);

      await git(clone, "push", "--quiet", "origin", "main");

      expect(await privileged.git("octo/town").resolveRef("refs/heads/main")).toBe((await git(clone, "rev-parse", "HEAD")).stdout.trim());
      expect(privileged.problems).toEqual([]);
    } finally {
      await privileged.close();
    }
  });
});

// The same guard on the Git Data API: what a ref's move would bring, not how it was made.
describe("workflow files through the Git Data API", () => {
  const refusal = "refusing to allow a GitHub App to create or update workflow `.github/workflows/ci.yml` without `workflows` permission";
  const workflow = "on: workflow_dispatch\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps: [{ run: 'true' }]\n";

  async function commitWith(parents: string[], path: string, content: string, message: string): Promise<string> {
    const tree = await call(github, "POST", "/repos/octo/town/git/trees", { token, body: { base_tree: parents[parents.length - 1], tree: [{ path, mode: "100644", type: "blob", content }] } });
    const commit = await call(github, "POST", "/repos/octo/town/git/commits", { token, body: { message, tree: (tree.body as { sha: string }).sha, parents } });
    return (commit.body as { sha: string }).sha;
  }

  it("refuses to move a branch to a commit that adds a workflow file, and takes one that does not", async () => {
    const base = await mainSha();
    const withWorkflow = await commitWith([base], ".github/workflows/ci.yml", workflow, "Add CI");
    const plain = await commitWith([base], "notes.txt", "notes\n", "Add notes");

    const refused = await call(github, "PATCH", "/repos/octo/town/git/refs/heads/main", { token, body: { sha: withWorkflow } });
    const forced = await call(github, "PATCH", "/repos/octo/town/git/refs/heads/main", { token, body: { sha: withWorkflow, force: true } });
    expect(await mainSha()).toBe(base);
    const moved = await call(github, "PATCH", "/repos/octo/town/git/refs/heads/main", { token, body: { sha: plain } });

    expect([refused.status, (refused.body as { message: string }).message]).toEqual([422, refusal]);
    expect([forced.status, (forced.body as { message: string }).message]).toEqual([422, refusal]);
    expect(moved.status).toBe(200);
    expect(await mainSha()).toBe(plain);
  });

  it("refuses it to a workflow's GITHUB_TOKEN too, and lets a person move the branch", async () => {
    const mayor = github.userToken("mayor");
    github.setCollaborator("octo/town", "mayor", "write");
    const added = await call(github, "PUT", "/repos/octo/town/contents/.github/workflows/ci.yml", { token: mayor, body: { message: "Add CI", content: Buffer.from(workflow).toString("base64") } });
    await call(github, "POST", "/repos/octo/town/actions/workflows/ci.yml/dispatches", { token, body: { ref: "main" } });
    await github.settled();
    const githubToken = github.state.repos["octo/town"]?.runs[0]?.token ?? "";
    const base = await mainSha();
    const changed = await commitWith([base], ".github/workflows/ci.yml", `${workflow}# changed\n`, "Change CI");

    const byWorkflow = await call(github, "PATCH", "/repos/octo/town/git/refs/heads/main", { token: githubToken, body: { sha: changed } });
    const byPerson = await call(github, "PATCH", "/repos/octo/town/git/refs/heads/main", { token: mayor, body: { sha: changed } });

    expect(added.status).toBe(201);
    expect([byWorkflow.status, (byWorkflow.body as { message: string }).message]).toEqual([422, refusal]);
    expect(byPerson.status).toBe(200);
    expect(await mainSha()).toBe(changed);
  });

  it("creates a branch at a commit another branch has, and refuses one at a commit that brings a workflow change", async () => {
    const base = await mainSha();
    const mayor = github.userToken("mayor");
    github.setCollaborator("octo/town", "mayor", "write");
    const withWorkflow = await commitWith([base], ".github/workflows/ci.yml", workflow, "Add CI");
    await call(github, "PATCH", "/repos/octo/town/git/refs/heads/main", { token: mayor, body: { sha: withWorkflow } });
    const topic = await commitWith([base], "notes.txt", "notes\n", "Add notes");
    await call(github, "POST", "/repos/octo/town/git/refs", { token, body: { ref: "refs/heads/topic", sha: topic } });
    // Merging main into the topic brings main's workflow change onto the topic's line.
    const merged = await commitWith([topic, withWorkflow], "notes.txt", "notes\n", "Merge main");
    const another = await commitWith([base], ".github/workflows/ci.yml", `${workflow}# again\n`, "Change CI");

    const atMain = await call(github, "POST", "/repos/octo/town/git/refs", { token, body: { ref: "refs/heads/copy-of-main", sha: withWorkflow } });
    const atNew = await call(github, "POST", "/repos/octo/town/git/refs", { token, body: { ref: "refs/heads/ci", sha: another } });
    const atMerge = await call(github, "POST", "/repos/octo/town/git/refs", { token, body: { ref: "refs/heads/topic-merged", sha: merged } });
    const topicMoved = await call(github, "PATCH", "/repos/octo/town/git/refs/heads/topic", { token, body: { sha: merged } });

    expect(atMain.status).toBe(201);
    expect([atNew.status, (atNew.body as { message: string }).message]).toEqual([422, refusal]);
    expect([atMerge.status, (atMerge.body as { message: string }).message]).toEqual([422, refusal]);
    expect([topicMoved.status, (topicMoved.body as { message: string }).message]).toEqual([422, refusal]);
    expect(await github.git("octo/town").resolveRef("refs/heads/ci")).toBeUndefined();
    expect(await github.git("octo/town").resolveRef("refs/heads/topic-merged")).toBeUndefined();
  });
});
