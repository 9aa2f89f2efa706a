// Slinging through the real App in Probot, against the emulator: exact requests, the ledger on
// its branch, the dispatched run, the status comment.
import { afterEach, describe, expect, it } from "vitest";
import type { Bead } from "../../app/ledger/bead-schema.js";
import { gastownMetadata } from "../../app/molecules/gastown-metadata.js";
import { DEFAULT_NETWORK_ALLOW } from "../../app/polecat/sandbox/egress-policy.js";
import { limitsHash } from "../../app/town/polecat-dispatch.js";
import { polecatWorkPicture } from "../town/expected-pictures.js";
import { minutesAfter } from "../town/town-builders.js";
import { call } from "../emulator/testing.js";
import type { Delivery } from "../emulator/webhooks/deliveries.js";
import { REPO, startTown, type Town, type TownOptions } from "./app-harness.js";

let town: Town;
afterEach(async () => {
  await town.close();
  expect(town.github.problems).toEqual([]);
});

async function start(options: TownOptions = {}): Promise<Town> {
  town = await startTown(options);
  await town.as("ann", "POST", "/repos/octo/town/issues", { title: "Fix the pumps", body: "They leak.", labels: ["priority::high"] });
  await town.deliver();
  town.sent.length = 0;
  return town;
}

const label = (name: string, as = "mayor", issue = 1) =>
  town.as(as, "POST", `/repos/octo/town/issues/${issue}/labels`, { labels: [name] });
const unlabel = (name: string, as = "mayor", issue = 1) =>
  town.as(as, "DELETE", `/repos/octo/town/issues/${issue}/labels/${encodeURIComponent(name)}`);
const comment = (body: string, as = "mayor", issue = 1) =>
  town.as(as, "POST", `/repos/octo/town/issues/${issue}/comments`, { body });
const runs = () => town.github.state.repos[REPO]?.runs ?? [];
const requests = () => town.sent.map((s) => `${s.method} ${s.url}`);
const comments = (issue = 1) => town.issue(issue).comments.map((c) => ({ user: c.user, body: c.body }));
const statusComments = (issue = 1) => comments(issue).filter((c) => c.body.startsWith("<!-- gastown:status -->"));

/** The one delivery a person caused, as Probot receives it: the App's own answers left out. */
function byPerson(deliveries: readonly Delivery[], login: string) {
  const mine = deliveries.filter((d) => (d.payload as { sender?: { login?: string } }).sender?.login === login);
  if (mine.length !== 1) throw new Error(`${mine.length} deliveries from ${login}`);
  const [delivery] = mine as [Delivery];
  return { id: delivery.id, name: delivery.event as never, payload: delivery.payload as never };
}

async function workBead(): Promise<Bead> {
  const ledger = await town.ledger();
  const found = ledger?.beads().find((b) => b.issue_type !== "molecule" && !b.id.includes("."));
  if (!found) throw new Error("no work bead in the ledger");
  return found;
}

/** A repository's formula that needs a var the App does not offer. */
const ASK_FORMULA = "formula: ask\nversion: 1\nvars:\n  question: { description: What to ask, required: true }\nsteps:\n  - id: ask\n    title: Ask {{question}}\n";

describe("slinging by label", () => {
  it("hooks the bead in one ledger commit, then dispatches the polecat and shows it", async () => {
    await start();
    await label("gt:sling");
    await town.deliver();

    expect(requests()).toEqual([
      "GET /repos/octo/town/contents/.github%2Fgastown.yml",
      "GET /repos/octo/town/collaborators/mayor/permission",
      "POST /repos/octo/town/issues/1/reactions",
      "GET /repos/octo/town/git/ref/heads%2Fgastown%2Fledger",
      "GET /repos/octo/town/contents/.beads%2Fformulas",
      // The branch is new: the ledger and its config, in one commit that makes the branch.
      "POST /repos/octo/town/git/trees",
      "POST /repos/octo/town/git/commits",
      "POST /repos/octo/town/git/refs",
      // Only after the hook has landed: the dispatch. The run claims the bead itself.
      "POST /repos/octo/town/actions/workflows/gastown-polecat.yml/dispatches",
      "GET /repos/octo/town/issues/1/comments?per_page=100&page=1",
      "POST /repos/octo/town/issues/1/comments",
      "POST /repos/octo/town/issues/1/labels",
    ]);
    expect(town.sent.find((s) => s.url.endsWith("/reactions"))?.body).toEqual({ content: "eyes" });
    // The files go inline in the tree; the first commit has no parent and carries the config.
    const [hookTree] = town.sent.filter((s) => s.url.endsWith("/git/trees")).map((s) => s.body as {
      tree: { path: string; mode: string; type: string; content: string }[]; base_tree?: string;
    });
    expect(hookTree?.tree.map((e) => [e.path, e.mode, e.type])).toEqual([
      [".beads/issues.jsonl", "100644", "blob"], [".beads/config.yaml", "100644", "blob"],
    ]);
    expect(hookTree).not.toHaveProperty("base_tree");
    const [hookCommit] = town.sent.filter((s) => s.url.endsWith("/git/commits")).map((s) => s.body as { message: string; parents: string[] });
    expect(hookCommit?.parents).toEqual([]);
    expect(hookCommit?.message).toMatch(/^Sling #1 \(town-\w+\) to polecat furiosa, attempt 1\n\nGastown-Beads: town-\w+( town-[\w.-]+)*\n(Gastown-Beads: [\w. -]+\n)*Gastown-Write: [0-9a-f-]{36}\n$/);

    const bead = await workBead();
    const meta = gastownMetadata(bead);
    const molecule = meta.molecule as string;
    expect(bead).toMatchObject({
      title: "Fix the pumps", description: "They leak.", status: "hooked", priority: 1, assignee: "polecat/furiosa",
      external_ref: expect.stringMatching(/\/octo\/town\/issues\/1$/),
    });
    expect(meta).toEqual({
      molecule, formula: "mol-polecat-work", polecat: "furiosa", slung_by: "mayor", slung_at: "2026-11-24T12:00:00Z",
      attempt: 1, dispatched_at: "2026-11-24T12:00:00Z", limits_hash: limitsHash(runs()[0]?.inputs?.["limits"] ?? ""),
    });

    expect(runs().map((r) => [r.displayTitle, r.event, r.headBranch, r.inputs])).toEqual([[
      `polecat furiosa · ${bead.id} · attempt 1`, "workflow_dispatch", "main",
      {
        bead: bead.id, molecule, polecat: "furiosa", attempt: "1",
        limits: JSON.stringify({
          agent: "claude", model: null, max_turns: 80, timeout_minutes: 60, max_cost_usd: 10, heartbeat_minutes: 2,
          max_diff_lines: 5000, protected_paths: [".github/**", ".beads/formulas/**", "**/CODEOWNERS"], command: null,
          sandbox: "on", network: { allow: [...DEFAULT_NETWORK_ALLOW] }, job_timeout_minutes: 75,
        }),
      },
    ]]);
    expect(town.issue(1).labels).toEqual(["priority::high", "gt:sling", "status::hooked"]);
    expect(town.issue(1).reactions.map((r) => [r.content, r.user])).toEqual([["eyes", "gastown[bot]"]]);
    const run = runs()[0];
    expect(comments()).toEqual([{
      user: "gastown[bot]",
      body: [
        "<!-- gastown:status -->",
        `<!-- gastown:bead ${bead.id} -->`,
        "### Gas Town · 🪝 Hooked",
        "",
        "Slung by @mayor to polecat **furiosa** (attempt 1). It is on its way.",
        "",
        "| | |",
        "|---|---|",
        `| Bead | \`${bead.id}\` (hooked) |`,
        "| Polecat | **furiosa**, attempt 1 |",
        `| Formula | \`mol-polecat-work\`, molecule \`${molecule}\` |`,
        `| Run | [#${run?.id}](${town.github.urls.web}/octo/town/actions/runs/${run?.id}) (queued) |`,
        "| Slung | by @mayor, 2026-11-24 12:00 UTC |",
        "| Dispatched | 2026-11-24 12:00 UTC |",
        "",
        "**Steps** (0 of 6 done)",
        "",
        `- [ ] Load the assignment for ${bead.id} ← next`,
        `- [ ] Implement ${bead.id}`,
        `- [ ] Review the change to ${bead.id}`,
        `- [ ] Build and test ${bead.id}`,
        `- [ ] Merge the latest main into ${bead.id} and verify again`,
        `- [ ] Submit ${bead.id}`,
        "",
        ...polecatWorkPicture(bead.id, "load"),
        "",
        "<sub>Updated 2026-11-24 12:00 UTC · `/gt help` lists the commands.</sub>",
        "",
      ].join("\n"),
    }]);
  });

  it("reads only the settings for a label that is not a gt: label (the mirror's, which is off here)", async () => {
    await start();
    await label("bug");
    await town.deliver();
    expect(requests()).toEqual(["GET /repos/octo/town/contents/.github%2Fgastown.yml"]);
  });

  it("pours the formula a gt:sling/<formula> label names", async () => {
    await start({ files: { ".beads/formulas/quick.formula.yaml": "formula: quick\nversion: 1\nsteps:\n  - id: only\n    title: Just do it\n" } });
    await label("gt:sling/quick");
    await town.deliver();
    const ledger = await town.ledger();
    const bead = await workBead();
    const molecule = gastownMetadata(bead).molecule as string;
    expect(ledger?.get(molecule)).toMatchObject({ source_formula: ".beads/formulas/quick.formula.yaml", bonded_from: [{ source_id: "quick@1", bond_type: "root" }] });
    expect(runs()).toHaveLength(1);
  });

  it("gives one polecat for a duplicated delivery", async () => {
    await start();
    await label("gt:sling");
    const event = byPerson(await town.newDeliveries(), "mayor");
    // A redelivery keeps its id and payload; the App handles it as any other.
    await town.app().receive(event);
    town.sent.length = 0;
    await town.app().receive(event);
    expect(runs()).toHaveLength(1);
    expect(statusComments()).toHaveLength(1);
    // The second reads the ledger, sees the bead hooked moments ago, and stops there.
    expect(requests()).toEqual([
      "GET /repos/octo/town/contents/.github%2Fgastown.yml",
      "GET /repos/octo/town/collaborators/mayor/permission",
      "POST /repos/octo/town/issues/1/reactions",
      "GET /repos/octo/town/git/ref/heads%2Fgastown%2Fledger",
      expect.stringMatching(/^GET \/repos\/octo\/town\/git\/commits\/[0-9a-f]{40}$/),
      expect.stringMatching(/^GET \/repos\/octo\/town\/git\/trees\/[0-9a-f]{40}\?recursive=1$/),
      expect.stringMatching(/^GET \/repos\/octo\/town\/git\/blobs\/[0-9a-f]{40}$/),
    ]);
  });

  it("says so when slung again while its polecat runs, and starts nothing", async () => {
    await start();
    await label("gt:sling");
    await town.deliver();
    const run = runs()[0];
    if (!run) throw new Error("no run");
    town.github.startJob(REPO, run.id, "polecat");
    town.clock.now = minutesAfter(town.clock.now, 10);
    await comment("/sling");
    await town.deliver();
    expect(runs()).toHaveLength(1);
    expect(comments().at(-1)?.body).toBe(
      `@mayor: already hooked: polecat **furiosa** is running it ([run ${run.id}](${town.github.urls.web}/octo/town/actions/runs/${run.id}), in_progress), so nothing more was started.`,
    );
  });

  it("gives one polecat when two App instances take the same delivery at the same moment", async () => {
    await start();
    await label("gt:sling");
    const event = byPerson(await town.newDeliveries(), "mayor");
    await Promise.all([town.app(0).receive(event), town.app(1).receive(event)]);
    await town.github.settled();
    expect(runs()).toHaveLength(1);
    expect((await workBead()).status).toBe("hooked");
    expect(gastownMetadata(await workBead())).toMatchObject({ attempt: 1, dispatched_at: "2026-11-24T12:00:00Z" });
  });

  it("gives one polecat from two instances at once when a third writer moves the ledger too", async () => {
    await start();
    // The branch exists, so both instances update it; a rival commit makes the first try lose.
    await label("gt:sling", "mayor");
    await town.deliver();
    await town.as("ann", "POST", "/repos/octo/town/issues", { title: "Second" });
    await label("gt:sling", "mayor", 2);
    const event = byPerson(await town.newDeliveries(), "mayor");
    town.github.inject({ kind: "lost-race", ref: "heads/gastown/ledger" });
    await Promise.all([town.app(0).receive(event), town.app(1).receive(event)]);
    await town.github.settled();
    expect(runs().map((r) => r.displayTitle)).toEqual([
      expect.stringMatching(/^polecat furiosa · town-\w+ · attempt 1$/),
      expect.stringMatching(/^polecat nux · town-\w+ · attempt 1$/),
    ]);
  });

  it("repairs a crash between the hook commit and the dispatch after the grace period, once", async () => {
    await start();
    town.github.inject({ kind: "status", status: 500, operationId: "actions/create-workflow-dispatch" });
    await label("gt:sling");
    await expect(town.deliver()).rejects.toThrow();
    expect(runs()).toHaveLength(0);
    expect((await workBead()).status).toBe("hooked");

    // Within the grace period, a second sling leaves it: the first may still be dispatching.
    town.clock.now = minutesAfter(town.clock.now, 1);
    await comment("/sling");
    await town.deliver();
    expect(runs()).toHaveLength(0);
    expect(comments().at(-1)?.body).toMatch(/^@mayor: already hooked: polecat \*\*furiosa\*\* was dispatched moments ago/);

    // Past it, two instances handle the next request together: one re-dispatches, as attempt 2.
    town.clock.now = minutesAfter(town.clock.now, 2);
    await comment("/sling");
    const event = byPerson(await town.newDeliveries(), "mayor");
    await Promise.all([town.app(0).receive(event), town.app(1).receive(event)]);
    await town.github.settled();
    expect(runs().map((r) => r.inputs?.attempt)).toEqual(["2"]);
    expect(gastownMetadata(await workBead())).toMatchObject({ attempt: 2, dispatched_at: "2026-11-24T12:03:00Z" });
    expect(statusComments()[0]?.body).toContain("No run was seen for the last attempt, so it was dispatched again");
  });

  it("waits at the concurrency cap, with gt:waiting, and says so", async () => {
    await start({ files: { ".github/gastown.yml": "limits:\n  max_polecats: 1\n" } });
    await label("gt:sling");
    await town.as("ann", "POST", "/repos/octo/town/issues", { title: "Second" });
    await label("gt:sling", "mayor", 2);
    await town.deliver();
    expect(runs()).toHaveLength(1);
    expect(town.issue(2).labels).toEqual(["gt:sling", "gt:waiting"]);
    expect(statusComments(2)[0]?.body).toContain(
      "All 1 polecats are busy (limits.max_polecats is 1). This issue waits for the next free one.",
    );
  });
});

describe("who may sling", () => {
  it("refuses a sender below the configured permission, taking the label off again", async () => {
    await start({ people: { tia: "triage", ann: "write" } });
    await label("gt:sling", "tia");
    await town.deliver();
    expect(requests()).toEqual([
      "GET /repos/octo/town/contents/.github%2Fgastown.yml",
      "GET /repos/octo/town/collaborators/tia/permission",
      "DELETE /repos/octo/town/issues/1/labels/gt%3Asling",
      "POST /repos/octo/town/issues/1/comments",
    ]);
    expect(comments()).toEqual([{
      user: "gastown[bot]",
      body: "@tia has triage access to this repository; driving Gas Town here takes write (trust.permission in .github/gastown.yml), so label gt:sling was taken off again.",
    }]);
    expect(town.issue(1).labels).toEqual(["priority::high"]);
    expect(await town.ledger()).toBeUndefined();
  });

  it("refuses a reader's /sling, and takes maintain and admin", async () => {
    await start({ people: { rita: "read", mae: "maintain", ada: "admin", ann: "write" } });
    await comment("/sling", "rita");
    await town.deliver();
    expect(comments().at(-1)?.body).toBe(
      "@rita has read access to this repository; driving Gas Town here takes write (trust.permission in .github/gastown.yml), so nothing was done.",
    );
    await comment("/sling", "mae");
    await town.deliver();
    expect(runs()).toHaveLength(1);
  });

  it("takes a lower permission when the config names it", async () => {
    await start({ people: { tia: "triage", ann: "write" }, files: { ".github/gastown.yml": "trust:\n  permission: triage\n" } });
    await label("gt:sling", "tia");
    await town.deliver();
    expect(runs()).toHaveLength(1);
  });
});

describe("bots", () => {
  /** Labels issue 1 gt:sling as github-actions[bot], with a workflow run's GITHUB_TOKEN. */
  async function labelAsWorkflow(): Promise<void> {
    const inputs = { bead: "x", molecule: "m", polecat: "p", attempt: "1", limits: "{}" };
    await town.as("mayor", "POST", "/repos/octo/town/actions/workflows/gastown-polecat.yml/dispatches", { ref: "main", inputs });
    await town.github.settled();
    const token = runs()[0]?.token as string;
    const answer = await call(town.github, "POST", "/repos/octo/town/issues/1/labels", { token, body: { labels: ["gt:sling"] } });
    expect(answer.status).toBe(200);
  }

  it("refuses a bot the config does not list", async () => {
    await start();
    await labelAsWorkflow();
    await town.deliver();
    expect(comments()).toEqual([{
      user: "gastown[bot]",
      body: "@github-actions[bot] is a bot; bots drive Gas Town only when listed in trust.allowed_bots, so label gt:sling was taken off again.",
    }]);
    expect(runs()).toHaveLength(1);
    // A bot's standing is the config's alone: no permission is asked of GitHub.
    expect(requests().filter((r) => r.includes("/permission"))).toEqual([]);
  });

  it("takes a bot the config lists", async () => {
    await start({ files: { ".github/gastown.yml": "trust:\n  allowed_bots: ['github-actions[bot]']\n" } });
    await labelAsWorkflow();
    await town.deliver();
    expect(runs().map((r) => r.displayTitle)).toEqual(["polecat p · x · attempt 1", expect.stringMatching(/^polecat furiosa · town-\w+ · attempt 1$/)]);
    expect(gastownMetadata(await workBead())).toMatchObject({ slung_by: "github-actions[bot]", attempt: 1 });
  });
});

describe("opting in", () => {
  it("leaves a repository without its own file alone, even when the organisation has one", async () => {
    town = await startTown({ files: { ".github/gastown.yml": undefined } });
    await town.github.addRepo({ owner: "octo", name: ".github", files: { ".github/gastown.yml": "limits:\n  max_polecats: 9\n" } });
    await town.as("ann", "POST", "/repos/octo/town/issues", { title: "Untouched" });
    await label("gt:sling");
    town.sent.length = 0;
    await town.deliver();
    // The issue opened and the label each read the settings once (the mirror and the sling share it).
    expect(requests()).toEqual([
      "GET /app",
      "GET /repos/octo/town/contents/.github%2Fgastown.yml",
      "GET /repos/octo/town/contents/.github%2Fgastown.yml",
    ]);
    expect(comments()).toEqual([]);
  });

  it("dispatches polecat.sandbox and polecat.network as written, and the status says the network is open", async () => {
    await start({ files: { ".github/gastown.yml": "polecat:\n  sandbox: true\n  network: open\n" } });
    await label("gt:sling");
    await town.deliver();
    const limits = runs()[0]?.inputs?.["limits"] ?? "";
    expect(JSON.parse(limits)).toMatchObject({ sandbox: "on", network: "open" });
    expect(gastownMetadata(await workBead())).toMatchObject({ limits_hash: limitsHash(limits) });
    expect(statusComments()[0]?.body.split("\n").slice(2, 7)).toEqual([
      "### Gas Town · 🪝 Hooked",
      "",
      "Slung by @mayor to polecat **furiosa** (attempt 1). It is on its way.",
      "",
      "⚠️ **Network open**: the agent can reach any public host (`polecat.network: open`).",
    ]);
  });

  it("takes the organisation's settings under its own with _extends: .github", async () => {
    town = await startTown({ files: { ".github/gastown.yml": "_extends: .github\npolecat:\n  agent: command\n  command: bin/agent\n" } });
    await town.github.addRepo({ owner: "octo", name: ".github", files: { ".github/gastown.yml": "sling:\n  label: gt:go\npolecat:\n  max_turns: 12\n" } });
    await town.as("ann", "POST", "/repos/octo/town/issues", { title: "Org" });
    await label("gt:sling");
    await town.deliver();
    expect(runs()).toHaveLength(0);
    await label("gt:go");
    await town.deliver();
    expect(JSON.parse(runs()[0]?.inputs?.limits ?? "{}")).toMatchObject({ agent: "command", command: "bin/agent", max_turns: 12 });
  });

  it("shows a broken config where someone acted, with its line, and does nothing else", async () => {
    await start({ files: { ".github/gastown.yml": "limits:\n  max_polecats: lots\n" } });
    await label("gt:sling");
    await town.deliver();
    expect(requests()).toEqual([
      "GET /repos/octo/town/contents/.github%2Fgastown.yml",
      "GET /repos/octo/town/issues/1/comments?per_page=100&page=1",
      "POST /repos/octo/town/issues/1/comments",
    ]);
    expect(statusComments()[0]?.body).toBe([
      "<!-- gastown:status -->",
      "### Gas Town · ⚠️ Not slung",
      "",
      "Gas Town's settings have problems, so it takes no action in this repository until they are fixed:",
      "",
      "```text",
      ".github/gastown.yml:2:17: limits.max_polecats: Invalid input: expected number, received string",
      "```",
      "",
      "<sub>Updated 2026-11-24 12:00 UTC · `/gt help` lists the commands.</sub>",
      "",
    ].join("\n"));
    expect(await town.ledger()).toBeUndefined();
    // Another try edits the same comment rather than adding one.
    await comment("/sling");
    await town.deliver();
    expect(statusComments()).toHaveLength(1);
    expect(runs()).toHaveLength(0);
  });
});

describe("the vars a sling offers", () => {
  // The App offers issue, bead, branch, base_branch, polecat and feature (and pr once there is
  // one); each formula takes those it declares. The issue's title is never among them.
  it.each(["mol-polecat-work", "shiny", "shiny-enterprise"])("%s is slung from an issue with no --var", async (formula) => {
    await start();
    await comment(`/sling ${formula}`);
    await town.deliver();
    expect(runs()).toHaveLength(1);
    const bead = await workBead();
    const root = (await town.ledger())?.get(gastownMetadata(bead).molecule as string) as Bead;
    const offered = {
      issue: "1", bead: bead.id, polecat: "furiosa", branch: `polecat/furiosa/${bead.id}`, base_branch: "main", feature: "issue #1",
    };
    // What the root records: the offered values the formula declares, its defaults for the rest.
    const checks = { setup_command: "", typecheck_command: "", lint_command: "", build_command: "", test_command: "" };
    const recorded = formula === "mol-polecat-work"
      ? { bead: offered.bead, branch: offered.branch, polecat: offered.polecat, base_branch: offered.base_branch, ...checks }
      : { feature: offered.feature, bead: offered.bead, assignee: "" };
    expect(gastownMetadata(root).vars).toEqual(recorded);
    const steps = (await town.ledger())?.beads().filter((b) => b.id.startsWith(`${root.id}.`)) ?? [];
    expect(steps.length).toBeGreaterThan(1);
    expect(steps.filter((b) => `${b.title}\n${b.description ?? ""}`.includes("Fix the pumps"))).toEqual([]);
  });
});

describe("what cannot be slung", () => {
  it("a formula that cannot be cooked: the error, with file and line, and nothing written", async () => {
    await start({ files: { ".beads/formulas/ask.formula.yaml": ASK_FORMULA } });
    await comment("/sling ask");
    await town.deliver();
    expect(statusComments()[0]?.body).toContain("@mayor, this issue could not be slung with `ask`:");
    expect(statusComments()[0]?.body).toContain(".beads/formulas/ask.formula.yaml:4:3: vars.question: required var \"question\" has no value (pass --var question=…)");
    expect(await town.ledger()).toBeUndefined();
    expect(runs()).toHaveLength(0);
  });

  it("a polecat workflow GitHub refuses: the hook let go, the label taken off, the reason shown", async () => {
    await start({ files: { ".github/workflows/gastown-polecat.yml": undefined } });
    await label("gt:sling");
    await town.deliver();
    const bead = await workBead();
    expect(bead.status).toBe("open");
    expect(bead).not.toHaveProperty("assignee");
    expect(town.issue(1).labels).toEqual(["priority::high"]);
    expect(statusComments()[0]?.body).toContain("The polecat workflow could not be started, so the hook was let go.");
    expect(statusComments()[0]?.body).toContain(".github/workflows/gastown-polecat.yml");
  });

  it("a ledger branch that does not read: a few of its errors and a count, in one reply each time, and nothing written", async () => {
    await start();
    // Someone pushed a ledger whose every bead has a priority Beads refuses.
    const beads = Array.from({ length: 40 }, (_, i) => JSON.stringify({
      id: `town-${i}`, title: "Pumps", status: "open", priority: 9, issue_type: "task",
      created_at: "2026-01-01T00:00:00Z", updated_at: "2026-01-01T00:00:00Z",
    }) + "\n").join("");
    const tree = await town.as("mayor", "POST", "/repos/octo/town/git/trees", {
      tree: [{ path: ".beads/issues.jsonl", mode: "100644", type: "blob", content: beads }],
    }) as { sha: string };
    const commit = await town.as("mayor", "POST", "/repos/octo/town/git/commits", { message: "Broken", tree: tree.sha, parents: [] }) as { sha: string };
    await town.as("mayor", "POST", "/repos/octo/town/git/refs", { ref: "refs/heads/gastown/ledger", sha: commit.sha });
    town.sent.length = 0;

    await label("gt:sling");
    await town.deliver();
    await comment("/peek");
    await town.deliver();
    const errors = (from: number) => [0, 1, 2, 3].map((i) => `gastown/ledger:.beads/issues.jsonl:${from + i}: priority: must be at most 4 (got 9)`);
    const answer = (notDone: string) => [
      `@mayor: the ledger on \`gastown/ledger\` has 40 errors, so ${notDone}. ` +
        "Fix them (`gt ledger validate` on the branch's `.beads/issues.jsonl` lists every one), then try again.",
      "",
      "```text",
      ...errors(1),
      "… and 36 more errors",
      "```",
    ].join("\n");
    expect(comments()).toEqual([
      { user: "gastown[bot]", body: answer("this issue was not slung") },
      { user: "mayor", body: "/peek" },
      { user: "gastown[bot]", body: answer("`/peek` was not done") },
    ]);
    expect(requests().filter((r) => r.startsWith("POST /repos/octo/town/git") || r.startsWith("PATCH"))).toEqual([]);
    expect(runs()).toHaveLength(0);
  });

  it("a usage error in the command gets one reply", async () => {
    await start();
    await comment("/sling --force");
    await town.deliver();
    expect(comments().at(-1)?.body).toMatch(/^@mayor, Gas Town could not read that, so it did nothing:\n\n- line 1: /);
    expect(await town.ledger()).toBeUndefined();
  });
});

describe("unslinging", () => {
  it("by taking the label off: the run cancelled, the bead let go, the status shown", async () => {
    await start();
    await label("gt:sling");
    await town.deliver();
    const run = runs()[0];
    if (!run) throw new Error("no run");
    town.github.startJob(REPO, run.id, "polecat");
    // The run's start: the witness finds it holds its hook.
    await town.deliver();
    town.sent.length = 0;
    await unlabel("gt:sling");
    await town.deliver();
    const sha = (what: string) => expect.stringMatching(new RegExp(`^GET /repos/octo/town/git/${what}/[0-9a-f]{40}(\\?recursive=1)?$`));
    expect(requests()).toEqual([
      "GET /repos/octo/town/contents/.github%2Fgastown.yml",
      "GET /repos/octo/town/collaborators/mayor/permission",
      "GET /repos/octo/town/git/ref/heads%2Fgastown%2Fledger",
      sha("commits"),
      sha("trees"),
      sha("blobs"),
      "POST /repos/octo/town/git/trees",
      "POST /repos/octo/town/git/commits",
      "PATCH /repos/octo/town/git/refs/heads%2Fgastown%2Fledger",
      // The run has not claimed the bead yet, so it is found by its run-name.
      "GET /repos/octo/town/actions/workflows/gastown-polecat.yml/runs?event=workflow_dispatch&per_page=100",
      `POST /repos/octo/town/actions/runs/${run.id}/cancel`,
      "GET /repos/octo/town/issues/1/comments?per_page=100&page=1",
      expect.stringMatching(/^PATCH \/repos\/octo\/town\/issues\/comments\/\d+$/),
      "DELETE /repos/octo/town/issues/1/labels/status%3A%3Ahooked",
    ]);
    const bead = await workBead();
    expect(bead.status).toBe("open");
    expect(bead).not.toHaveProperty("assignee");
    expect(town.issue(1).labels).toEqual(["priority::high"]);
    expect(statusComments()).toHaveLength(1);
    expect(statusComments()[0]?.body).toContain(
      "Unslung by @mayor. Steps already done stay done: a later sling resumes from the first one not done. " +
        `Its run ${run.id} is being cancelled.`,
    );
    expect(runs()[0]?.conclusion).toBe("cancelled");
  });

  it("by /unsling --abandon: the molecule burned and the label taken off", async () => {
    await start();
    await label("gt:sling");
    await town.deliver();
    const molecule = gastownMetadata(await workBead()).molecule as string;
    await comment("/unsling --abandon");
    await town.deliver();
    const ledger = await town.ledger();
    expect(ledger?.get(molecule)).toMatchObject({ status: "closed", close_reason: "burned" });
    expect(town.issue(1).labels).toEqual(["priority::high"]);
    expect(statusComments()[0]?.body).toContain(`Unslung by @mayor, and its molecule \`${molecule}\` burned: a later sling starts over.`);
  });

  it("says so when there is nothing to unsling", async () => {
    await start();
    await comment("/unsling");
    await town.deliver();
    expect(comments().at(-1)).toEqual({ user: "gastown[bot]", body: "@mayor: this issue is not slung, so there was nothing to unsling." });
  });
});
