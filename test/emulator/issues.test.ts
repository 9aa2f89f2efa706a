// Repositories, collaborators, labels and issues through the API, and the signed webhooks each
// change sends (every payload checked against GitHub's webhook schemas by the emulator).
import { createHmac } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "./emulator.js";
import { call, repoDeliveries, startFixedEmulator, startReceiver } from "./testing.js";

let github: Emulator;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let app: string;
let mayor: string;

beforeEach(async () => {
  receiver = await startReceiver();
  github = await startFixedEmulator({ webhookUrl: receiver.url });
  await github.addRepo({ owner: "octo", name: "town" });
  github.setCollaborator("octo/town", "mayor", "maintain");
  github.setCollaborator("octo/town", "deputy", "triage");
  github.addUser("stranger");
  app = github.installationToken(github.install({ account: "octo" }));
  mayor = github.userToken("mayor");
});

afterEach(async () => {
  await github.close();
  await receiver.close();
  expect(github.problems).toEqual([]);
});

const events = () => repoDeliveries(github).map((d) => (d.action === undefined ? d.event : `${d.event}.${d.action}`));

describe("collaborator permission", () => {
  // https://docs.github.com/en/rest/collaborators/collaborators#get-repository-permissions-for-a-user
  it.each([
    ["mayor", "write", "maintain"],
    ["deputy", "read", "triage"],
    ["stranger", "none", "none"],
  ])("reports %s as permission %s with role_name %s", async (login, permission, roleName) => {
    const answer = await call(github, "GET", `/repos/octo/town/collaborators/${login}/permission`, { token: app });

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ permission, role_name: roleName, user: { login } });
  });

  it("answers 404 for a login GitHub does not know", async () => {
    expect((await call(github, "GET", "/repos/octo/town/collaborators/nobody/permission", { token: app })).status).toBe(404);
  });
});

describe("issues", () => {
  it("opens an issue with labels and assignees, sending opened, labeled and assigned", async () => {
    const answer = await call(github, "POST", "/repos/octo/town/issues", {
      token: mayor,
      body: { title: "Fix the pumps", body: "They leak.", labels: ["gt:sling"], assignees: ["deputy", "stranger"] },
    });
    await github.settled();

    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({
      number: 1,
      title: "Fix the pumps",
      state: "open",
      user: { login: "mayor" },
      labels: [{ name: "gt:sling", color: "ededed" }],
      // A stranger cannot be assigned; GitHub drops them silently.
      assignees: [{ login: "deputy" }],
      author_association: "COLLABORATOR",
      created_at: "2025-06-01T12:00:00Z",
    });
    expect(events()).toEqual(["issues.opened", "issues.labeled", "issues.assigned"]);
  });

  it("signs each delivery with the webhook secret and sends GitHub's headers", async () => {
    await call(github, "POST", "/repos/octo/town/issues", { token: app, body: { title: "Signed" } });
    await github.settled();

    const [delivery] = receiver.received;
    const expected = `sha256=${createHmac("sha256", "emulator-webhook-secret").update(delivery?.body ?? "").digest("hex")}`;
    expect(delivery?.headers).toMatchObject({
      "x-github-event": "issues",
      // The first delivery was the installation's own (sent when setup installed the App).
      "x-github-delivery": "00000000-0000-4000-8000-000000000002",
      "x-hub-signature-256": expected,
      "x-github-hook-installation-target-type": "integration",
      "x-github-hook-installation-target-id": "4242",
      "content-type": "application/json",
    });
    const payload = JSON.parse(delivery?.body ?? "{}") as Record<string, unknown>;
    expect(payload).toMatchObject({
      action: "opened",
      issue: { number: 1, title: "Signed", user: { login: "gastown[bot]", type: "Bot" } },
      repository: { full_name: "octo/town", private: true },
      sender: { login: "gastown[bot]" },
      installation: { id: github.state.installations[0]?.id },
    });
  });

  it("edits, closes and reopens, with GitHub's state reasons and the edit's old title", async () => {
    await call(github, "POST", "/repos/octo/town/issues", { token: app, body: { title: "Old" } });
    await call(github, "PATCH", "/repos/octo/town/issues/1", { token: app, body: { title: "New" } });
    const closed = await call(github, "PATCH", "/repos/octo/town/issues/1", { token: app, body: { state: "closed", state_reason: "not_planned" } });
    const reopened = await call(github, "PATCH", "/repos/octo/town/issues/1", { token: app, body: { state: "open" } });
    await github.settled();

    expect(closed.body).toMatchObject({ state: "closed", state_reason: "not_planned", closed_at: "2025-06-01T12:00:00Z", closed_by: { login: "gastown[bot]" } });
    expect(reopened.body).toMatchObject({ state: "open", state_reason: "reopened", closed_at: null });
    expect(events()).toEqual(["issues.opened", "issues.edited", "issues.closed", "issues.reopened"]);
    expect(repoDeliveries(github)[1]?.payload["changes"]).toEqual({ title: { from: "Old" } });
  });

  it("adds, replaces and removes labels, creating missing ones as GitHub does", async () => {
    await call(github, "POST", "/repos/octo/town/labels", { token: app, body: { name: "status::hooked", color: "0e8a16", description: "A polecat has it" } });
    await call(github, "POST", "/repos/octo/town/issues", { token: app, body: { title: "Work" } });

    const added = await call(github, "POST", "/repos/octo/town/issues/1/labels", { token: app, body: { labels: ["gt:sling", "STATUS::HOOKED"] } });
    const set = await call(github, "PUT", "/repos/octo/town/issues/1/labels", { token: app, body: { labels: ["status::hooked", "priority::high"] } });
    const removed = await call(github, "DELETE", "/repos/octo/town/issues/1/labels/priority::high", { token: app });
    const missing = await call(github, "DELETE", "/repos/octo/town/issues/1/labels/gt:sling", { token: app });
    await github.settled();

    const names = (body: unknown) => (body as { name: string }[]).map((l) => l.name);
    expect(names(added.body)).toEqual(["gt:sling", "status::hooked"]);
    expect(names(set.body)).toEqual(["status::hooked", "priority::high"]);
    expect(names(removed.body)).toEqual(["status::hooked"]);
    expect([missing.status, (missing.body as { message: string }).message]).toEqual([404, "Label does not exist"]);
    expect(events()).toEqual([
      "label.created",
      "issues.opened",
      "issues.labeled",
      "issues.labeled",
      "issues.unlabeled",
      "issues.labeled",
      "issues.unlabeled",
    ]);
    expect(repoDeliveries(github).slice(2).map((d) => (d.payload["label"] as { name: string }).name)).toEqual([
      "gt:sling",
      "status::hooked",
      "gt:sling",
      "priority::high",
      "priority::high",
    ]);
  });

  it("takes labels as names or as objects with a name, as GitHub does", async () => {
    await call(github, "POST", "/repos/octo/town/issues", { token: app, body: { title: "Work", labels: [{ name: "gt:sling" }] } });
    const updated = await call(github, "PATCH", "/repos/octo/town/issues/1", { token: app, body: { labels: ["gt:sling", { name: "type::bug" }] } });

    expect((updated.body as { labels: { name: string }[] }).labels.map((l) => l.name)).toEqual(["gt:sling", "type::bug"]);
  });

  it("refuses a label whose name exists already, ignoring case", async () => {
    await call(github, "POST", "/repos/octo/town/labels", { token: app, body: { name: "gt:sling" } });
    const again = await call(github, "POST", "/repos/octo/town/labels", { token: app, body: { name: "GT:SLING" } });

    expect(again.status).toBe(422);
    expect(again.body).toMatchObject({ message: "Validation Failed", errors: [{ resource: "Label", code: "already_exists", field: "name" }] });
  });

  it("lists open issues with the labels asked for, newest first, a page at a time", async () => {
    for (const title of ["a", "b", "c"]) await call(github, "POST", "/repos/octo/town/issues", { token: app, body: { title, labels: ["gt:sling"] } });
    await call(github, "POST", "/repos/octo/town/issues", { token: app, body: { title: "unlabelled" } });
    await call(github, "PATCH", "/repos/octo/town/issues/2", { token: app, body: { state: "closed" } });

    const page = await call(github, "GET", "/repos/octo/town/issues?labels=gt:sling&per_page=1", { token: app });

    expect((page.body as { number: number }[]).map((i) => i.number)).toEqual([3]);
    expect(page.headers.get("link")).toBe(
      `<${github.urls.api}/repos/octo/town/issues?labels=gt%3Asling&per_page=1&page=2>; rel="next", ` +
        `<${github.urls.api}/repos/octo/town/issues?labels=gt%3Asling&per_page=1&page=2>; rel="last"`,
    );
  });

  it("keeps comments and reactions; reacting twice returns the first reaction with 200", async () => {
    await call(github, "POST", "/repos/octo/town/issues", { token: app, body: { title: "Talk" } });
    const comment = await call(github, "POST", "/repos/octo/town/issues/1/comments", { token: mayor, body: { body: "/sling" } });
    const id = (comment.body as { id: number }).id;
    await call(github, "PATCH", `/repos/octo/town/issues/comments/${id}`, { token: mayor, body: { body: "/peek" } });
    const first = await call(github, "POST", `/repos/octo/town/issues/comments/${id}/reactions`, { token: app, body: { content: "eyes" } });
    const second = await call(github, "POST", `/repos/octo/town/issues/comments/${id}/reactions`, { token: app, body: { content: "eyes" } });
    const listed = await call(github, "GET", "/repos/octo/town/issues/1/comments", { token: app });
    await github.settled();

    expect([first.status, second.status]).toEqual([201, 200]);
    expect((second.body as { id: number }).id).toBe((first.body as { id: number }).id);
    expect(listed.body).toMatchObject([{ id, body: "/peek", user: { login: "mayor" }, reactions: { total_count: 1, eyes: 1 } }]);
    expect(events()).toEqual(["issues.opened", "issue_comment.created", "issue_comment.edited"]);
    expect(repoDeliveries(github)[2]?.payload["changes"]).toEqual({ body: { from: "/sling" } });
  });

  it("lists a repository's comments by id or by update, from a time on", async () => {
    let now = new Date("2025-06-01T12:00:00Z");
    const timed = await startFixedEmulator({ clock: () => now });
    try {
      await timed.addRepo({ owner: "octo", name: "town" });
      timed.setCollaborator("octo/town", "mayor", "maintain");
      const token = timed.installationToken(timed.install({ account: "octo" }));
      const as = { token: timed.userToken("mayor") };
      await call(timed, "POST", "/repos/octo/town/issues", { ...as, body: { title: "Talk" } });
      const first = (await call(timed, "POST", "/repos/octo/town/issues/1/comments", { ...as, body: { body: "first" } })).body as { id: number };
      now = new Date("2025-06-01T12:01:00Z");
      await call(timed, "POST", "/repos/octo/town/issues/1/comments", { ...as, body: { body: "second" } });
      now = new Date("2025-06-01T12:02:00Z");
      await call(timed, "PATCH", `/repos/octo/town/issues/comments/${first.id}`, { ...as, body: { body: "first, edited" } });
      const list = async (query: string) =>
        ((await call(timed, "GET", `/repos/octo/town/issues/comments${query}`, { token })).body as { body: string }[]).map((c) => c.body);
      expect(await list("")).toEqual(["first, edited", "second"]);
      expect(await list("?sort=updated&direction=asc")).toEqual(["second", "first, edited"]);
      expect(await list("?sort=created&direction=desc")).toEqual(["second", "first, edited"]);
      expect(await list("?sort=updated&direction=asc&since=2025-06-01T12:02:00Z")).toEqual(["first, edited"]);
      expect(await list("?sort=updated&direction=desc&per_page=1")).toEqual(["first, edited"]);
      expect(timed.problems).toEqual([]);
    } finally {
      await timed.close();
    }
  });

  it("links sub-issues and blocked-by dependencies by issue id", async () => {
    for (const title of ["convoy", "leg one", "leg two"]) await call(github, "POST", "/repos/octo/town/issues", { token: app, body: { title } });
    const [convoy, one, two] = github.state.repos["octo/town"]?.issues ?? [];
    if (!convoy || !one || !two) throw new Error("setup");

    const added = await call(github, "POST", "/repos/octo/town/issues/1/sub_issues", { token: app, body: { sub_issue_id: one.id } });
    await call(github, "POST", "/repos/octo/town/issues/1/sub_issues", { token: app, body: { sub_issue_id: two.id } });
    const twice = await call(github, "POST", "/repos/octo/town/issues/3/sub_issues", { token: app, body: { sub_issue_id: one.id } });
    const blocked = await call(github, "POST", "/repos/octo/town/issues/3/dependencies/blocked_by", { token: app, body: { issue_id: one.id } });
    const subs = await call(github, "GET", "/repos/octo/town/issues/1/sub_issues", { token: app });
    const blockers = await call(github, "GET", "/repos/octo/town/issues/3/dependencies/blocked_by", { token: app });
    const three = await call(github, "GET", "/repos/octo/town/issues/3", { token: app });

    expect(added.status).toBe(201);
    // A sub-issue has one parent; moving it needs replace_parent.
    expect(twice.status).toBe(422);
    expect(blocked.status).toBe(201);
    expect((subs.body as { number: number }[]).map((i) => i.number)).toEqual([2, 3]);
    expect((blockers.body as { number: number }[]).map((i) => i.number)).toEqual([2]);
    expect(three.body).toMatchObject({ issue_dependencies_summary: { blocked_by: 1, blocking: 0, total_blocked_by: 1, total_blocking: 0 } });
    expect((await call(github, "GET", "/repos/octo/town/issues/1", { token: app })).body).toMatchObject({ sub_issues_summary: { total: 2, completed: 0, percent_completed: 0 } });
  });

  it("lets a triager label but not a reader, and hides a private repository from strangers", async () => {
    await call(github, "POST", "/repos/octo/town/issues", { token: app, body: { title: "Work" } });
    const deputy = github.userToken("deputy");
    const stranger = github.userToken("stranger");

    expect((await call(github, "POST", "/repos/octo/town/issues/1/labels", { token: deputy, body: { labels: ["x"] } })).status).toBe(200);
    expect((await call(github, "GET", "/repos/octo/town/issues/1", { token: stranger })).status).toBe(404);
  });
});

describe("payload shapes", () => {
  it("renders an issue in an issues.opened payload exactly", async () => {
    await call(github, "POST", "/repos/octo/town/issues", { token: mayor, body: { title: "Fix the pumps", body: "They leak." } });
    await github.settled();
    const delivery = repoDeliveries(github)[0];
    const issue = JSON.parse((delivery?.body ?? "{}").replaceAll(github.urls.api, "http://emulator")) as { issue: unknown; sender: { login: string } };
    const mayorId = github.state.accounts["mayor"]?.id ?? 0;
    const id = github.state.repos["octo/town"]?.issues[0]?.id ?? 0;
    const api = "http://emulator/repos/octo/town/issues/1";

    expect(issue.issue).toEqual({
      url: api,
      repository_url: "http://emulator/repos/octo/town",
      labels_url: `${api}/labels{/name}`,
      comments_url: `${api}/comments`,
      events_url: `${api}/events`,
      html_url: "http://emulator/octo/town/issues/1",
      id,
      node_id: Buffer.from(`05:Issue${id}`).toString("base64"),
      number: 1,
      title: "Fix the pumps",
      user: {
        login: "mayor",
        id: mayorId,
        node_id: Buffer.from(`04:User${mayorId}`).toString("base64"),
        avatar_url: `http://emulator/avatars/u/${mayorId}?v=4`,
        gravatar_id: "",
        url: "http://emulator/users/mayor",
        html_url: "http://emulator/mayor",
        followers_url: "http://emulator/users/mayor/followers",
        following_url: "http://emulator/users/mayor/following{/other_user}",
        gists_url: "http://emulator/users/mayor/gists{/gist_id}",
        starred_url: "http://emulator/users/mayor/starred{/owner}{/repo}",
        subscriptions_url: "http://emulator/users/mayor/subscriptions",
        organizations_url: "http://emulator/users/mayor/orgs",
        repos_url: "http://emulator/users/mayor/repos",
        events_url: "http://emulator/users/mayor/events{/privacy}",
        received_events_url: "http://emulator/users/mayor/received_events",
        type: "User",
        user_view_type: "public",
        site_admin: false,
      },
      labels: [],
      state: "open",
      locked: false,
      assignee: null,
      assignees: [],
      milestone: null,
      comments: 0,
      created_at: "2025-06-01T12:00:00Z",
      updated_at: "2025-06-01T12:00:00Z",
      closed_at: null,
      author_association: "COLLABORATOR",
      active_lock_reason: null,
      body: "They leak.",
      closed_by: null,
      reactions: { url: `${api}/reactions`, total_count: 0, "+1": 0, "-1": 0, laugh: 0, hooray: 0, confused: 0, heart: 0, rocket: 0, eyes: 0 },
      timeline_url: `${api}/timeline`,
      performed_via_github_app: null,
      state_reason: null,
      sub_issues_summary: { total: 0, completed: 0, percent_completed: 0 },
      issue_dependencies_summary: { blocked_by: 0, blocking: 0, total_blocked_by: 0, total_blocking: 0 },
    });
    expect(issue.sender.login).toBe("mayor");
  });
});
