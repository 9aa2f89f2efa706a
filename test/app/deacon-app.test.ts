// The deacon's pass through the App's own installation client against the emulator: a rig whose
// polecat workflow is missing gets one town health issue, edited in place as its findings change
// and closed once they are fixed; an escalation past its age gets one reminder, not one a pass;
// a broken `.github/gastown.yml` is reported with its file and line. The exact requests, bodies
// and comments.
import { afterEach, describe, expect, it } from "vitest";
import type { GitHubClient } from "../../app/github/github-client.js";
import { listInstallationRepositories } from "../../app/github/installation-repositories.js";
import { restClient } from "../../app/github/rest-client.js";
import { realDependencies, type AppDependencies } from "../../app/handlers/app-dependencies.js";
import { deaconPass, type DeaconReport } from "../../app/handlers/deacon-town.js";
import { escalationIssueText } from "../../app/town/message-beads.js";
import { POLECAT_WORKFLOW, REPO, startTown, type Town } from "./app-harness.js";

let town: Town;
afterEach(async () => {
  await town.close();
  expect(town.github.problems).toEqual([]);
});

const PATROL_WORKFLOW = `name: Gas Town patrol
on:
  schedule: [{ cron: "*/5 * * * *" }]
  workflow_dispatch:
jobs:
  patrol:
    runs-on: ubuntu-latest
    steps: [{ run: "true" }]
`;

const HOUR_MS = 3_600_000;
const requests = () => town.sent.map((s) => `${s.method} ${s.url}`);
const issues = () => town.github.state.repos[REPO]?.issues ?? [];
const INTRO = (count: string) =>
  `The deacon, Gas Town's patrol over every repository of the installation, found ${count} here ` +
  "that a person must fix. It brings this issue up to date on each pass, and closes it once all is well.";
const POLECAT_MISSING = [
  "### The polecat workflow is missing",
  "",
  "`.github/workflows/gastown-polecat.yml` (`polecat.workflow` in `.github/gastown.yml`) is not in the repository, so no sling can start a polecat. " +
    "Add it (the README's \"The polecat workflow and its secrets\" has one to copy), or set `polecat.workflow` to the workflow file the repository has.",
];
/** The ledger, whole, in one request: the deacon writes nothing to it. */
const LEDGER_READ = "GET /repos/octo/town/contents/.beads%2Fissues.jsonl?ref=refs%2Fheads%2Fgastown%2Fledger";
const CONFIG_READ = "GET /repos/octo/town/contents/.github%2Fgastown.yml";
/** An idle rig's reads: settings, the workflows (the polecat one's file too when it is active), the ledger's ref, escalations. */
const reads = (polecatWorkflow: "active" | "missing") => [
  CONFIG_READ,
  "GET /repos/octo/town/actions/workflows/gastown-polecat.yml",
  ...(polecatWorkflow === "active" ? ["GET /repos/octo/town/contents/.github%2Fworkflows%2Fgastown-polecat.yml?ref=main"] : []),
  "GET /repos/octo/town/actions/workflows/gastown-patrol.yml",
  LEDGER_READ,
  "GET /repos/octo/town/issues?labels=gt%3Aescalated&state=open&per_page=100&page=1",
];
const READS = reads("active");
const HEALTH_LIST = "GET /repos/octo/town/issues?labels=gt%3Atown-health&state=open&per_page=100&page=1";

/** The App's installation client, as the patrol clock would hand it over. */
async function installationClient(): Promise<GitHubClient> {
  const installation = town.github.state.installations[0]?.id as number;
  return (await town.app().auth(installation)) as unknown as GitHubClient;
}

/** One deacon pass over the installation's repositories, its requests alone in `town.sent`. */
async function pass(): Promise<DeaconReport> {
  const github = await installationClient();
  const repositories = await listInstallationRepositories(github);
  const deps: AppDependencies = { ...realDependencies, clock: () => town.clock.now, random: () => 0.5, sleep: async () => undefined };
  town.sent.length = 0;
  return deaconPass({ github, repositories }, deps, "gastown[bot]");
}

const rig = (fields: Partial<DeaconReport["rigs"][number]>) =>
  ({ repository: REPO, outcome: "checked", findings: [], reminded: [], healthIssue: [], ...fields });

/** A file of the default branch written as the mayor would push it. */
async function putFile(path: string, text: string): Promise<void> {
  const found = await town.as("mayor", "GET", `/repos/octo/town/contents/${path}`).catch(() => undefined) as { sha: string } | undefined;
  await town.as("mayor", "PUT", `/repos/octo/town/contents/${path}`, {
    message: `Write ${path}`, content: Buffer.from(text).toString("base64"), ...(found ? { sha: found.sha } : {}),
  });
}

describe("the deacon's town health issue", () => {
  it("opens one issue for a missing polecat workflow, edits it in place, and closes it once all is fixed", async () => {
    town = await startTown({ files: { ".github/workflows/gastown-polecat.yml": undefined, ".github/workflows/gastown-patrol.yml": PATROL_WORKFLOW } });

    expect(await pass()).toEqual({ rigs: [rig({ findings: ["polecat-workflow-missing"], healthIssue: ["opened #1"] })] });
    expect(requests()).toEqual([...reads("missing"), HEALTH_LIST, "POST /repos/octo/town/issues"]);
    expect(issues().map((i) => [i.number, i.user, i.title, i.labels, i.state])).toEqual([[1, "gastown[bot]", "Gas Town: town health", ["gt:town-health"], "open"]]);
    expect(town.issue(1).body).toBe(["<!-- gastown:town-health -->", INTRO("1 problem"), "", ...POLECAT_MISSING, ""].join("\n"));

    // Nothing changed: nothing written.
    expect(await pass()).toEqual({ rigs: [rig({ findings: ["polecat-workflow-missing"] })] });
    expect(requests()).toEqual([...reads("missing"), HEALTH_LIST]);

    // GitHub disables the patrol's schedule: the same issue says so too.
    await town.github.setWorkflowState(REPO, "gastown-patrol.yml", "disabled_inactivity");
    expect(await pass()).toEqual({ rigs: [rig({ findings: ["polecat-workflow-missing", "patrol-workflow-disabled"], healthIssue: ["edited #1"] })] });
    expect(town.sent.at(-1)).toEqual({ method: "PATCH", url: "/repos/octo/town/issues/1", body: { body: town.issue(1).body } });
    expect(issues()).toHaveLength(1);
    // The patrol's section in full is test/town/deacon.test.ts's.
    const body = town.issue(1).body?.split("\n") ?? [];
    expect(body.slice(0, 6)).toEqual(["<!-- gastown:town-health -->", INTRO("2 problems"), "", ...POLECAT_MISSING]);
    expect(body.slice(6, 9)).toEqual(["", "### The patrol workflow is disabled", ""]);
    expect(body[9]).toMatch(/^`\.github\/workflows\/gastown-patrol\.yml` is `disabled_inactivity`: GitHub disabled it after 60 days without activity/);

    // Someone adds the workflow and enables the patrol: the issue is closed with a word.
    await putFile(".github/workflows/gastown-polecat.yml", POLECAT_WORKFLOW);
    await town.as("mayor", "PUT", "/repos/octo/town/actions/workflows/gastown-patrol.yml/enable");
    expect(await pass()).toEqual({ rigs: [rig({ healthIssue: ["closed #1"] })] });
    expect(requests().slice(-2)).toEqual(["POST /repos/octo/town/issues/1/comments", "PATCH /repos/octo/town/issues/1"]);
    expect([town.issue(1).state, town.issue(1).stateReason]).toEqual(["closed", "completed"]);
    expect(town.issue(1).comments.map((c) => [c.user, c.body])).toEqual([[
      "gastown[bot]",
      "All clear: the deacon's last pass found nothing wrong here, so this issue is closed. It opens a new one if something goes wrong again.",
    ]]);

    // All well, no issue open: reads only.
    expect(await pass()).toEqual({ rigs: [rig({})] });
    expect(requests()).toEqual([...READS, HEALTH_LIST]);
  });

  it("reports a polecat workflow GitHub would refuse to dispatch, from its file on the default branch", async () => {
    town = await startTown({ files: { ".github/workflows/gastown-polecat.yml": "name: Polecat\non: workflow_dispatch\njobs:\n  polecat:\n    runs-on: ubuntu-latest\n    steps: [{ run: 'true' }]\n" } });

    expect(await pass()).toEqual({ rigs: [rig({ findings: ["polecat-workflow-undispatchable"], healthIssue: ["opened #1"] })] });
    expect(requests()).toEqual([...READS, HEALTH_LIST, "POST /repos/octo/town/issues"]);
    expect(town.issue(1).body?.split("\n").slice(3, 9)).toEqual([
      "### GitHub would refuse to dispatch the polecat workflow",
      "",
      "A sling dispatches `.github/workflows/gastown-polecat.yml` on `main`, and GitHub would refuse it:",
      "",
      "```text",
      ".github/workflows/gastown-polecat.yml:2:5: on.workflow_dispatch: does not declare the inputs bead, molecule, polecat, attempt, limits that a sling sends, so GitHub refuses the dispatch",
    ]);
  });

  it("reports GitHub refusing the App the polecat workflow (an installation without the Actions permission)", async () => {
    town = await startTown();
    const installation = town.github.state.installations[0]?.id as number;
    const token = town.github.installationToken(installation, { permissions: { contents: "write", issues: "write", metadata: "read" } });
    const github = restClient({ token, baseUrl: town.github.urls.api, retries: 0 });
    const deps: AppDependencies = { ...realDependencies, clock: () => town.clock.now, random: () => 0.5, sleep: async () => undefined };

    const report = await deaconPass({ github, repositories: [{ owner: "octo", repo: "town", defaultBranch: "main" }] }, deps, "gastown[bot]");
    // The patrol workflow's state is refused too, which is no finding: only its being disabled is.
    expect(report).toEqual({ rigs: [rig({ findings: ["polecat-workflow-refused"], healthIssue: ["opened #1"] })] });
    expect(town.issue(1).body?.split("\n")[5]).toBe(
      "Asked for `.github/workflows/gastown-polecat.yml` (`polecat.workflow` in `.github/gastown.yml`), GitHub answered 403: Resource not accessible by integration. " +
        "A sling cannot dispatch it either. Check that the App's installation covers this repository with the Actions permission (write).",
    );
  });

  it("reports a .github/gastown.yml that does not read, with its file, line and setting, and reads nothing else", async () => {
    town = await startTown({ files: { ".github/gastown.yml": "sling:\n  label: go\n" } });

    expect(await pass()).toEqual({ rigs: [rig({ findings: ["config"], healthIssue: ["opened #1"] })] });
    expect(requests()).toEqual([CONFIG_READ, HEALTH_LIST, "POST /repos/octo/town/issues"]);
    // The section's words are test/town/deacon.test.ts's; here, the heading and the line found.
    const lines = town.issue(1).body?.split("\n") ?? [];
    expect([lines[3], ...lines.slice(7)]).toEqual([
      "### `.github/gastown.yml` does not read",
      "```text",
      ".github/gastown.yml:2:10: sling.label: a trigger label starts with gt: (for example gt:go)",
      "```",
      "",
    ]);
  });

  it("reports a ledger branch that does not validate, with its errors, and rewrites nothing", async () => {
    town = await startTown();
    const tree = await town.as("mayor", "POST", "/repos/octo/town/git/trees", {
      tree: [{ path: ".beads/issues.jsonl", mode: "100644", type: "blob", content: '{"id":"town-a1b","title":"Pumps","status":"open","priority":9,"created_at":"2026-11-01T00:00:00Z","updated_at":"2026-11-01T00:00:00Z"}\nnot json\n' }],
    }) as { sha: string };
    const commit = await town.as("mayor", "POST", "/repos/octo/town/git/commits", { message: "Ledger", tree: tree.sha, parents: [] }) as { sha: string };
    await town.as("mayor", "POST", "/repos/octo/town/git/refs", { ref: "refs/heads/gastown/ledger", sha: commit.sha });

    expect(await pass()).toEqual({ rigs: [rig({ findings: ["ledger"], healthIssue: ["opened #1"] })] });
    expect(requests()).toEqual([...READS, HEALTH_LIST, "POST /repos/octo/town/issues"]);
    expect(await town.github.git(REPO).resolveRef("refs/heads/gastown/ledger")).toBe(commit.sha);
    expect(town.issue(1).body?.split("\n").slice(3)).toEqual([
      "### The ledger does not validate",
      "",
      "`.beads/issues.jsonl` on `gastown/ledger` (`ledger.branch` in `.github/gastown.yml`) has 2 errors, so Gas Town can neither sling nor record anything here. " +
        "Fix them on the branch (`gt ledger validate` lists every one); Gas Town rewrites nothing:",
      "",
      "```text",
      "gastown/ledger:.beads/issues.jsonl:1: priority: must be at most 4 (got 9)",
      "gastown/ledger:.beads/issues.jsonl:2: not valid JSON (Unexpected token 'o', \"not json\" is not valid JSON)",
      "```",
      "",
    ]);
  });

  it("leaves a repository that has not opted in alone, and looks after the others", async () => {
    town = await startTown({ files: { ".github/workflows/gastown-polecat.yml": undefined } });
    await town.github.addRepo({ owner: "octo", name: "mill", files: { "README.md": "# Mill\n" } });
    // A person's issue with the label is not the App's to edit.
    await town.as("ann", "POST", "/repos/octo/town/issues", { title: "Town health, by hand", body: "Mine.", labels: ["gt:town-health"] });

    expect(await pass()).toEqual({ rigs: [
      rig({ findings: ["polecat-workflow-missing"], healthIssue: ["opened #2"] }),
      rig({ repository: "octo/mill", outcome: "off", reason: "the repository has no .github/gastown.yml of its own" }),
    ] });
    expect(requests().filter((r) => r.includes("/octo/mill/"))).toEqual(["GET /repos/octo/mill/contents/.github%2Fgastown.yml"]);
    expect(issues().map((i) => [i.number, i.user, i.body?.slice(0, 28)])).toEqual([[1, "ann", "Mine."], [2, "gastown[bot]", "<!-- gastown:town-health -->"]]);
  });
});

describe("the deacon and unanswered escalations", () => {
  it("mentions again whoever slung the work once, then not until escalation_reminder_hours have passed again", async () => {
    town = await startTown();
    const github = await installationClient();
    const text = escalationIssueText({ slungBy: "ann", heading: "@mayor escalated #1 (bead `town-a1b`)", issue: 1, text: "The pumps need a person.", message: "town-a1b.m1" });
    await github.request("POST /repos/{owner}/{repo}/issues", { owner: "octo", repo: "town", ...text });
    const escalatedAt = Date.parse(town.issue(1).createdAt);

    // Younger than the age: not even its comments are read.
    town.clock.now = new Date(escalatedAt + 23 * HOUR_MS);
    expect(await pass()).toEqual({ rigs: [rig({})] });
    expect(requests()).toEqual([...READS, HEALTH_LIST]);

    town.clock.now = new Date(escalatedAt + 25 * HOUR_MS);
    expect(await pass()).toEqual({ rigs: [rig({ findings: ["escalation"], reminded: [1], healthIssue: ["opened #2"] })] });
    expect(requests()).toEqual([
      ...READS,
      "GET /repos/octo/town/issues/1/comments?per_page=100&page=1",
      "POST /repos/octo/town/issues/1/comments",
      HEALTH_LIST,
      "POST /repos/octo/town/issues",
    ]);
    expect(town.issue(1).comments.map((c) => [c.user, c.body])).toEqual([[
      "gastown[bot]",
      `<!-- gastown:escalation-reminder ${town.clock.now.toISOString()} -->\n` +
        "@ann: this escalation has waited 25 hours for an answer from a person. Answer here, or close this issue once the work is in hand; " +
        "until then Gas Town reminds again every 24 hours (`deacon.escalation_reminder_hours` in `.github/gastown.yml`).",
    ]]);
    expect(town.issue(2).body?.split("\n").slice(3)).toEqual([
      "### Escalation #1 has no answer",
      "",
      `#1 has waited for an answer from a person since ${town.issue(1).createdAt}. Gas Town reminds on it every 24 hours, mentioning whoever slung the work ` +
        "(`deacon.escalation_reminder_hours` in `.github/gastown.yml`). Answer there, or close it once the work is in hand.",
      "",
    ]);

    // The next pass, an hour on: no second reminder, nothing written.
    town.clock.now = new Date(escalatedAt + 26 * HOUR_MS);
    expect(await pass()).toEqual({ rigs: [rig({ findings: ["escalation"] })] });
    expect(town.issue(1).comments).toHaveLength(1);
    expect(requests().filter((r) => !r.startsWith("GET "))).toEqual([]);

    // A day after the reminder: the next one.
    town.clock.now = new Date(escalatedAt + 49 * HOUR_MS);
    expect((await pass()).rigs[0]?.reminded).toEqual([1]);
    expect(town.issue(1).comments.map((c) => c.body.split("\n")[1]?.slice(0, 40))).toEqual([
      "@ann: this escalation has waited 25 hour", "@ann: this escalation has waited 49 hour",
    ]);

    // A person answers: no more reminders, and the health issue closes.
    await town.as("ann", "POST", "/repos/octo/town/issues/1/comments", { body: "Looking at it." });
    town.clock.now = new Date(escalatedAt + 100 * HOUR_MS);
    expect(await pass()).toEqual({ rigs: [rig({ healthIssue: ["closed #2"] })] });
    expect(town.issue(1).comments).toHaveLength(3);
  });
});
