// The mirror's edit of an issue, against the emulator: the fields in one PATCH, labels put on and
// taken off one by one, and the issue as it now is composed from GitHub's answers.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { editIssue } from "../../app/github/edit-issue.js";
import type { GitHubClient } from "../../app/github/github-client.js";
import type { IssueRef } from "../../app/github/issue-comments.js";
import { issueLabelNames, type GitHubIssue } from "../../app/mirror/issue-shape.js";
import type { Emulator } from "../emulator/emulator.js";
import { call, octokitFor, startFixedEmulator } from "../emulator/testing.js";

const ISSUE: IssueRef = { owner: "octo", repo: "town", issue_number: 1 };

let github: Emulator;
let app: GitHubClient;
let seen: GitHubIssue;
const sent: string[] = [];

beforeEach(async () => {
  github = await startFixedEmulator();
  await github.addRepo({ owner: "octo", name: "town", files: { "README.md": "# Town\n" } });
  github.setCollaborator("octo/town", "mayor", "maintain");
  const octokit = octokitFor(github, github.installationToken(github.install({ account: "octo" })));
  sent.length = 0;
  octokit.hook.before("request", (options) => {
    sent.push(`${options.method} ${decodeURIComponent(octokit.request.endpoint.parse(options).url.replace(github.urls.api, ""))}`);
  });
  app = octokit;
  const opened = await call(github, "POST", "/repos/octo/town/issues", { token: github.userToken("mayor"), body: { title: "Fix the pumps", labels: ["priority::high", "ui"] } });
  seen = opened.body as GitHubIssue;
});

afterEach(async () => {
  await github.close();
  expect(github.problems).toEqual([]);
});

const labelsNow = () => github.state.repos["octo/town"]?.issues[0]?.labels;

describe("the mirror's edit of an issue", () => {
  it("changes labels without a PATCH, keeping one put on since the mirror read the issue; one gone already is no error", async () => {
    await call(github, "POST", "/repos/octo/town/issues/1/labels", { token: github.userToken("mayor"), body: { labels: ["gt:sling"] } });
    await call(github, "DELETE", "/repos/octo/town/issues/1/labels/ui", { token: github.userToken("mayor") });
    const after = await editIssue(app, ISSUE, { addLabels: ["priority::critical"], removeLabels: ["priority::high", "ui"] }, seen);

    expect(sent).toEqual([
      "POST /repos/octo/town/issues/1/labels",
      "DELETE /repos/octo/town/issues/1/labels/priority::high",
      "DELETE /repos/octo/town/issues/1/labels/ui",
    ]);
    expect(labelsNow()).toEqual(["gt:sling", "priority::critical"]);
    // The issue as read, with the labels GitHub answered.
    expect({ ...after, labels: issueLabelNames(after) }).toEqual({ ...seen, labels: ["gt:sling", "priority::critical"] });
  });

  it("sends the fields in one PATCH and answers with the issue it returned, labels as they now are", async () => {
    const after = await editIssue(app, ISSUE, { title: "Fix the pumps now", addLabels: ["status::hooked"] }, seen);
    expect(sent).toEqual(["PATCH /repos/octo/town/issues/1", "POST /repos/octo/town/issues/1/labels"]);
    expect(after.title).toBe("Fix the pumps now");
    expect(issueLabelNames(after)).toEqual(["priority::high", "ui", "status::hooked"]);
  });

  it("a label to take off that is gone, and nothing else answered: the issue as read without it", async () => {
    await call(github, "DELETE", "/repos/octo/town/issues/1/labels/ui", { token: github.userToken("mayor") });
    const after = await editIssue(app, ISSUE, { removeLabels: ["ui"] }, seen);
    expect(sent).toEqual(["DELETE /repos/octo/town/issues/1/labels/ui"]);
    expect(issueLabelNames(after)).toEqual(["priority::high"]);
  });
});
