// Webhooks for changes beyond issues and pulls: sub-issues, issue dependencies, tags made and
// removed, and the App's own installation. Every payload is checked against GitHub's webhook
// schemas by the emulator (a breach would land in `problems`).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_APP_EVENTS, type Emulator } from "./emulator.js";
import { call, repoDeliveries, startFixedEmulator } from "./testing.js";

let github: Emulator;
let token: string;

beforeEach(async () => {
  github = await startFixedEmulator();
  await github.addRepo({ owner: "octo", name: "town", files: { "README.md": "# Town\n" } });
  await github.addRepo({ owner: "octo", name: "depot" });
  const installationId = github.install({ account: "octo", events: [...DEFAULT_APP_EVENTS, "sub_issues", "issue_dependencies"] });
  token = github.installationToken(installationId);
});

afterEach(async () => {
  await github.close();
  expect(github.problems).toEqual([]);
});

const labelled = () => repoDeliveries(github).map((d) => [`${d.event}.${d.action}`, (d.payload["repository"] as { full_name: string }).full_name]);

async function openIssue(repo: string, title: string): Promise<{ id: number; number: number }> {
  const answer = await call(github, "POST", `/repos/${repo}/issues`, { token, body: { title } });
  expect(answer.status).toBe(201);
  return answer.body as { id: number; number: number };
}

describe("sub_issues", () => {
  // https://docs.github.com/en/webhooks/webhook-events-and-payloads#sub_issues
  it("sends sub_issue_added to the parent's repository and parent_issue_added to the child's, and the same for removal", async () => {
    const parent = await openIssue("octo/town", "Convoy");
    const child = await openIssue("octo/depot", "Bead");
    const skip = repoDeliveries(github).length;

    const added = await call(github, "POST", "/repos/octo/town/issues/1/sub_issues", { token, body: { sub_issue_id: child.id } });
    const removed = await call(github, "DELETE", "/repos/octo/town/issues/1/sub_issue", { token, body: { sub_issue_id: child.id } });
    await github.settled();

    expect([added.status, removed.status]).toEqual([201, 200]);
    expect(labelled().slice(skip)).toEqual([
      ["sub_issues.sub_issue_added", "octo/town"],
      ["sub_issues.parent_issue_added", "octo/depot"],
      ["sub_issues.sub_issue_removed", "octo/town"],
      ["sub_issues.parent_issue_removed", "octo/depot"],
    ]);
    const [subAdded, parentAdded] = repoDeliveries(github).slice(skip);
    expect(subAdded?.payload).toMatchObject({
      action: "sub_issue_added",
      parent_issue_id: parent.id,
      parent_issue: { number: 1, title: "Convoy", sub_issues_summary: { total: 1 } },
      sub_issue_id: child.id,
      sub_issue: { number: 1, title: "Bead" },
      sub_issue_repo: { full_name: "octo/depot" },
      organization: { login: "octo" },
      sender: { login: "gastown[bot]" },
    });
    expect(subAdded?.payload).not.toHaveProperty("parent_issue_repo");
    expect(parentAdded?.payload).toMatchObject({ action: "parent_issue_added", parent_issue_repo: { full_name: "octo/town" }, repository: { full_name: "octo/depot" } });
  });

  it("sends removal from the old parent first when a sub-issue moves with replace_parent", async () => {
    await openIssue("octo/town", "Old");
    await openIssue("octo/town", "New");
    const child = await openIssue("octo/town", "Moved");
    await call(github, "POST", "/repos/octo/town/issues/1/sub_issues", { token, body: { sub_issue_id: child.id } });
    const skip = repoDeliveries(github).length;

    const moved = await call(github, "POST", "/repos/octo/town/issues/2/sub_issues", { token, body: { sub_issue_id: child.id, replace_parent: true } });
    await github.settled();

    expect(moved.status).toBe(201);
    expect(repoDeliveries(github).slice(skip).map((d) => [d.action, (d.payload["parent_issue"] as { number: number }).number])).toEqual([
      ["sub_issue_removed", 1],
      ["parent_issue_removed", 1],
      ["sub_issue_added", 2],
      ["parent_issue_added", 2],
    ]);
  });
});

describe("issue_dependencies", () => {
  // https://docs.github.com/en/webhooks/webhook-events-and-payloads#issue_dependencies
  it("sends blocked_by_added to the blocked issue's repository and blocking_added to the blocker's, and the same for removal", async () => {
    const blocked = await openIssue("octo/town", "Refinery");
    const blocker = await openIssue("octo/depot", "Pipeline");
    const skip = repoDeliveries(github).length;

    const added = await call(github, "POST", "/repos/octo/town/issues/1/dependencies/blocked_by", { token, body: { issue_id: blocker.id } });
    const removed = await call(github, "DELETE", `/repos/octo/town/issues/1/dependencies/blocked_by/${blocker.id}`, { token });
    await github.settled();

    expect([added.status, removed.status]).toEqual([201, 200]);
    expect(labelled().slice(skip)).toEqual([
      ["issue_dependencies.blocked_by_added", "octo/town"],
      ["issue_dependencies.blocking_added", "octo/depot"],
      ["issue_dependencies.blocked_by_removed", "octo/town"],
      ["issue_dependencies.blocking_removed", "octo/depot"],
    ]);
    const [blockedBy, blocking] = repoDeliveries(github).slice(skip);
    expect(blockedBy?.payload).toMatchObject({
      action: "blocked_by_added",
      blocked_issue_id: blocked.id,
      blocked_issue: { title: "Refinery", issue_dependencies_summary: { blocked_by: 1, total_blocked_by: 1 } },
      blocking_issue_id: blocker.id,
      blocking_issue: { title: "Pipeline" },
      blocking_issue_repo: { full_name: "octo/depot" },
      organization: { login: "octo", url: `${github.urls.api}/orgs/octo` },
    });
    expect(blocking?.payload).toMatchObject({ action: "blocking_added", blocked_issue_repo: { full_name: "octo/town" } });
  });

  it("sends nothing for a refused dependency", async () => {
    const issue = await openIssue("octo/town", "Self");
    const skip = repoDeliveries(github).length;
    const refused = await call(github, "POST", "/repos/octo/town/issues/1/dependencies/blocked_by", { token, body: { issue_id: issue.id } });
    await github.settled();

    expect(refused.status).toBe(422);
    expect(repoDeliveries(github).slice(skip)).toEqual([]);
  });
});

describe("create and delete", () => {
  // https://docs.github.com/en/webhooks/webhook-events-and-payloads#create
  it("sends create and delete for a tag made and removed through the Git Data API", async () => {
    const main = ((await call(github, "GET", "/repos/octo/town/git/ref/heads/main", { token })).body as { object: { sha: string } }).object.sha;
    const made = await call(github, "POST", "/repos/octo/town/git/refs", { token, body: { ref: "refs/tags/v1", sha: main } });
    const gone = await call(github, "DELETE", "/repos/octo/town/git/refs/tags/v1", { token });
    await github.settled();

    expect([made.status, gone.status]).toEqual([201, 204]);
    const lifecycle = repoDeliveries(github).filter((d) => d.event !== "push");
    expect(lifecycle.map((d) => [d.event, d.payload["ref"], d.payload["ref_type"]])).toEqual([
      ["create", "v1", "tag"],
      ["delete", "v1", "tag"],
    ]);
  });
});

describe("installation", () => {
  // https://docs.github.com/en/webhooks/webhook-events-and-payloads#installation
  it("sends installation created, listing the repositories, when the App is installed", async () => {
    const [delivery] = github.deliveries;
    expect(delivery?.event).toBe("installation");
    expect(delivery?.payload).toMatchObject({
      action: "created",
      installation: { account: { login: "octo" }, repository_selection: "all", app_slug: "gastown", events: expect.arrayContaining(["sub_issues"]) as unknown },
      repositories: [
        { full_name: "octo/town", private: true },
        { full_name: "octo/depot", private: true },
      ],
      requester: null,
      sender: { login: "octo" },
    });
    expect(delivery?.payload).not.toHaveProperty("repository");
  });

  // https://docs.github.com/en/webhooks/webhook-events-and-payloads#installation_repositories
  it("sends installation_repositories added and removed when a selected installation's repositories change", async () => {
    await github.addRepo({ owner: "guild", name: "hall" });
    await github.addRepo({ owner: "guild", name: "forge" });
    const installationId = github.install({ account: "guild", repositories: ["hall"], by: "mayor" });

    github.changeInstallationRepositories(installationId, { add: ["forge", "hall"], by: "mayor" });
    github.changeInstallationRepositories(installationId, { remove: ["hall"] });
    await github.settled();

    const own = github.deliveries.filter((d) => (d.payload["installation"] as { id: number }).id === installationId);
    expect(own.map((d) => `${d.event}.${d.action}`)).toEqual(["installation.created", "installation_repositories.added", "installation_repositories.removed"]);
    expect(own[0]?.payload).toMatchObject({ sender: { login: "mayor" }, repositories: [{ full_name: "guild/hall" }] });
    expect(own[1]?.payload).toMatchObject({
      repository_selection: "selected",
      repositories_added: [{ full_name: "guild/forge", name: "forge", private: true }],
      repositories_removed: [],
      requester: null,
      sender: { login: "mayor" },
    });
    expect(own[2]?.payload).toMatchObject({ repositories_added: [], repositories_removed: [{ full_name: "guild/hall" }], sender: { login: "guild" } });
    // The token follows the installation's repositories.
    const guildToken = github.installationToken(installationId);
    expect((await call(github, "GET", "/repos/guild/forge", { token: guildToken })).status).toBe(200);
    expect((await call(github, "GET", "/repos/guild/hall", { token: guildToken })).status).toBe(404);
  });
});
