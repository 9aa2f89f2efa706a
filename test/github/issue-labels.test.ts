// Labels on an issue, against the emulator: what the issue carries after each call.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { GitHubClient } from "../../app/github/github-client.js";
import type { IssueRef } from "../../app/github/issue-comments.js";
import { addLabels, removeLabel } from "../../app/github/issue-labels.js";
import type { Emulator } from "../emulator/emulator.js";
import { call, octokitFor, startFixedEmulator } from "../emulator/testing.js";

const ISSUE: IssueRef = { owner: "octo", repo: "town", issue_number: 1 };

let github: Emulator;
let app: GitHubClient;

beforeEach(async () => {
  github = await startFixedEmulator();
  await github.addRepo({ owner: "octo", name: "town", files: { "README.md": "# Town\n" } });
  github.setCollaborator("octo/town", "mayor", "maintain");
  app = octokitFor(github, github.installationToken(github.install({ account: "octo" })));
  await call(github, "POST", "/repos/octo/town/issues", { token: github.userToken("mayor"), body: { title: "Fix the pumps", labels: ["gt:sling/shiny"] } });
});

afterEach(async () => {
  await github.close();
  expect(github.problems).toEqual([]);
});

const labels = () => github.state.repos["octo/town"]?.issues[0]?.labels;

describe("labels on an issue", () => {
  it("are added to those there (made when the repository lacks them), nothing sent for none", async () => {
    expect(await addLabels(app, ISSUE, ["status::hooked", "gt:sling"])).toEqual(["gt:sling/shiny", "status::hooked", "gt:sling"]);
    github.resetCounters();
    expect(await addLabels(app, ISSUE, [])).toBeUndefined();

    expect(labels()).toEqual(["gt:sling/shiny", "status::hooked", "gt:sling"]);
    expect(github.counters).toEqual({});
  });

  it("are removed by name, a slash in it too; one the issue lacks is no error", async () => {
    await addLabels(app, ISSUE, ["status::hooked"]);

    expect(await removeLabel(app, ISSUE, "gt:sling/shiny")).toEqual(["status::hooked"]);
    expect(await removeLabel(app, ISSUE, "gt:sling/shiny")).toBeUndefined();
    expect(await removeLabel(app, ISSUE, "never-made")).toBeUndefined();
    expect(labels()).toEqual(["status::hooked"]);
  });

  it("still fails for errors other than a missing label", async () => {
    github.inject({ kind: "status", status: 502, operationId: "issues/remove-label" });

    await expect(removeLabel(app, ISSUE, "gt:sling/shiny")).rejects.toMatchObject({ status: 502 });
    expect(labels()).toEqual(["gt:sling/shiny"]);
  });
});
