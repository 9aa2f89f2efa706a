// Least privilege (DESIGN invariant 6), attacked: a slung issue's polecat run, with a hostile
// stand-in agent (test/fixtures/agents/hostile.mjs) that tries one attack a test, as a real
// process of the agent's own user. Each test asserts what the run's log says, what the ledger
// holds, what was pushed, what the heartbeat shows, and that the agent ran as a user that is
// neither root nor the action's: a machine where the run cannot switch users fails these tests.
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Bead } from "../../app/ledger/bead-schema.js";
import { gastownMetadata } from "../../app/molecules/gastown-metadata.js";
import { readMolecule } from "../../app/molecules/molecule.js";
import { removeAgentUser, userIds } from "../../app/polecat/agent-user.js";
import { Redactor, secretForms } from "../../app/polecat/redact.js";
import { systemTool } from "../../app/polecat/system-tools.js";
import { killAllProcessesOf, processesOf } from "../../app/polecat/user-processes.js";
import { POLECAT_BUNDLE, runBundledPolecat } from "./bundled-polecat.js";
import { AGENT_ENVIRONMENT, hostileAgent, UNSANDBOXED_AGENT_ENVIRONMENT, type HostileAgent, type HostileReport } from "./hostile-agent.js";
import { AGENTS, startPolecatTown, type PolecatTown, type PolecatTownOptions } from "./polecat-harness.js";

let polecat: PolecatTown | undefined;
let agent: HostileAgent | undefined;
const cleanUps: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanUp of cleanUps.splice(0).reverse()) await cleanUp();
  await polecat?.close();
  await agent?.close();
  polecat = undefined;
  agent = undefined;
});

/** A run of two agent processes or more, with the work taken and pushed after each, on a busy machine. */
const RUN_TIMEOUT_MS = 120_000;
const NO_CAPABILITIES = "0000000000000000";
const AGENT_ENDED = "The agent ended (exit 0); 0 turns, $0.00 by its stream so far. The end of its output:\n";

/** A town whose issue 1 is slung, with the hostile agent set to `attack` as its polecat.command. */
async function attackedTown(attack: string, options: PolecatTownOptions = {}): Promise<{ polecat: PolecatTown; agent: HostileAgent }> {
  agent = await hostileAgent(attack);
  polecat = await startPolecatTown({ ...options, command: agent.command, sandboxWritable: [agent.reportDir] });
  await agent.handTo(polecat.user);
  return { polecat, agent };
}

/** Who the run is, as the App slung it. */
async function runFacts(town: PolecatTown) {
  const bead = await town.bead();
  const molecule = gastownMetadata(bead).molecule as string;
  const runId = town.runs().at(-1)?.id as number;
  const branch = `gastown/work/furiosa/${bead.id}`;
  return { bead: bead.id, molecule, runId, branch, agentBranch: `polecat/furiosa/${bead.id}` };
}

/** Each step of the molecule, and whether the ledger has it closed. */
async function steps(town: PolecatTown): Promise<Record<string, boolean>> {
  const { molecule } = await runFacts(town);
  return Object.fromEntries(readMolecule(await town.ledger(), molecule).steps.map((s) => [s.step, s.closed]));
}

/** The commit the run made the work ref with, from the base's tip. */
async function workStart(town: PolecatTown, branch: string): Promise<string> {
  const git = town.town.github.git("octo/town");
  const tip = await git.resolveRef(`refs/heads/${branch}`);
  return (await git.git(["rev-list", "--reverse", tip as string, "^refs/heads/main"])).split("\n")[0] as string;
}

/** The heartbeat's last check run: its state, and the lines the run noted under it. */
function heartbeat(town: PolecatTown) {
  const last = town.town.github.state.repos["octo/town"]?.checkRuns.at(-1);
  return {
    title: last?.output?.title,
    conclusion: last?.conclusion,
    notes: (last?.output?.summary ?? "").split("\n").filter((line) => line.startsWith("- ")).map((line) => line.slice(2)),
    text: last?.output?.text ?? null,
  };
}

/** The first lines of a run's log: its claim, and the work ref it made. */
async function startLog(town: PolecatTown): Promise<string[]> {
  const facts = await runFacts(town);
  return [
    `Polecat furiosa claimed ${facts.bead}, attempt 1 (run ${facts.runId}).`,
    `Made the work ref ${facts.branch} at ${(await workStart(town, facts.branch)).slice(0, 12)}.`,
    "The agent runs in its sandbox, with the network proxy and no model proxy (the run has no model key).",
  ];
}

/** The log of a run whose agent did both steps, with the warnings the action gave on each. */
async function finishedLog(town: PolecatTown, command: string, warnings: { plan?: string[]; build?: string[] } = {}): Promise<string[]> {
  return [
    ...await startLog(town),
    `Step 1 of 2, plan: polecat.command ${command}.`,
    AGENT_ENDED,
    ...(warnings.plan ?? []).map((warning) => `warning: ${warning}`),
    `Step 2 of 2, build: polecat.command ${command}.`,
    AGENT_ENDED,
    ...(warnings.build ?? []).map((warning) => `warning: ${warning}`),
    ...await completedLog(town),
  ];
}

/** The last lines of a run whose every step is done: the exit recorded, and said. */
async function completedLog(town: PolecatTown): Promise<string[]> {
  const facts = await runFacts(town);
  return [
    `Recorded the exit on ${facts.bead}: COMPLETED.`,
    `The polecat ended as COMPLETED: ${completedReason(facts.molecule)}`,
  ];
}

const completedReason = (molecule: string) => `Every step of ${molecule} is done (2).`;

/** What a run whose every step is done comes to. */
async function completed(town: PolecatTown) {
  return { kind: "exited", exit: "COMPLETED", reason: completedReason((await runFacts(town)).molecule) };
}

/** The log of a run whose plan step the action would not take twice, for the same reason each time. */
async function escalatedLog(town: PolecatTown, command: string, warning: string, reason: string): Promise<string[]> {
  return [
    ...await startLog(town),
    `Step 1 of 2, plan: polecat.command ${command}.`,
    AGENT_ENDED,
    `warning: ${warning}`,
    `Step 1 of 2, plan: polecat.command ${command} (again).`,
    AGENT_ENDED,
    `warning: ${warning}`,
    `warning: Escalated: ${reason}`,
    `Recorded the exit on ${(await runFacts(town)).bead}: ESCALATE.`,
    `notice: The polecat ended as ESCALATE: ${reason}`,
  ];
}

const FINISHED_HEARTBEAT = { title: "done · step 2/2", conclusion: "success", notes: [], text: null };

/**
 * The agent ran as the town's agent user, with nothing more than that user has, and exactly the
 * `environment` a sandboxed `command` agent gets (with the model proxy's dummy key and address
 * besides when the run has a model key).
 */
function expectRanAsAgent(reports: readonly HostileReport[], user: { uid: number; gid: number; name: string }, environment = AGENT_ENVIRONMENT): void {
  expect(reports.length).toBeGreaterThan(0);
  expect(user.uid).not.toBe(0);
  expect(user.uid).not.toBe(process.getuid?.());
  for (const report of reports) {
    expect(report.error).toBeUndefined();
    expect(report.identity).toEqual({
      uid: user.uid, gid: user.gid, groups: [user.gid], user: user.name,
      noNewPrivs: "1", capEff: NO_CAPABILITIES, capPrm: NO_CAPABILITIES, environment,
    });
  }
}

/** The note a refused step's second process gets (commit-rules.ts refusalText). */
function refusalNote(agentBranch: string, start: string, problems: readonly string[]): string {
  return [
    `Gas Town did not take the work on ${agentBranch}; nothing was pushed:`,
    ...problems.map((problem) => `- ${problem}`),
    `Make the branch continue ${start} without these (for example \`git reset --soft ${start}\`, then commit again without them), and finish the step again.`,
  ].join("\n");
}

/**
 * A refusal leaves the step open and runs the agent once more with the reason; the second
 * refusal ends the run as ESCALATE, recorded on the bead, with nothing pushed past the work
 * ref's first commit.
 */
async function expectRefusedTwice(
  town: PolecatTown, hostile: HostileAgent, run: { outcome: unknown; log: string[] }, problems: (reports: readonly HostileReport[]) => string[],
): Promise<void> {
  const facts = await runFacts(town);
  const reports = await hostile.reports(town.user.uid);
  expectRanAsAgent(reports, town.user);
  const refused = problems(reports);
  const start = await workStart(town, facts.branch);
  const reason = `the agent's work on step plan was refused twice: ${refused.join("; ")}`;
  expect(run.outcome).toEqual({ kind: "exited", exit: "ESCALATE", reason });
  expect(run.log).toEqual(await escalatedLog(town, hostile.command, `Refused the agent's work on plan: ${refused.join("; ")}`, reason));
  expect(reports.map((r) => [r.step, r.again, r.note])).toEqual([
    ["plan", false, undefined],
    ["plan", true, refusalNote(facts.agentBranch, start, refused)],
  ]);
  expect(await steps(town)).toEqual({ plan: false, build: false });
  expect(gastownMetadata(await town.bead())).toMatchObject({ exit: "ESCALATE", exit_reason: reason });
  expect(await town.commits(facts.branch)).toEqual([`Gastown: start work on ${facts.bead}\nGastown-Bead: ${facts.bead}`]);
  expect(heartbeat(town)).toEqual({ title: "done · step 1/2", conclusion: "neutral", notes: [`Refused: ${refused.join("; ")}`, `Escalated: ${reason}`], text: null });
}

describe("a hostile agent's work refused", () => {
  it("a workflow edit: the step stays open, the agent is told why once, then the run escalates", async () => {
    const { polecat, agent } = await attackedTown("workflow-edit");
    const run = await polecat.runPolecat();
    await expectRefusedTwice(polecat, agent, run, ([first]) => [
      `commit ${String(first?.["head"]).slice(0, 7)} ("Run a workflow of my own") changes .github/workflows/mine.yml, a protected path (.github/**)`,
    ]);
  }, RUN_TIMEOUT_MS);

  it("a diff against the merge-base over max_diff_lines", async () => {
    const { polecat, agent } = await attackedTown("diff-lines", { polecat: "  max_diff_lines: 10\n" });
    const run = await polecat.runPolecat();
    const base = await polecat.town.github.git("octo/town").resolveRef("refs/heads/main");
    await expectRefusedTwice(polecat, agent, run, () => [
      `the work changes 50 lines against the base (from ${String(base).slice(0, 7)}), over the limit of 10 (max_diff_lines)`,
    ]);
  }, RUN_TIMEOUT_MS);

  it("a planted token: the step stays open, nothing is pushed, the run escalates", async () => {
    const { polecat, agent } = await attackedTown("planted-token");
    const run = await polecat.runPolecat();
    await expectRefusedTwice(polecat, agent, run, ([first]) => [
      `commit ${String(first?.["head"]).slice(0, 7)} ("Plant a token") puts what looks like a secret in src/settings.ts: a GitHub token (line 1). No secret is pushed: take it out of every commit`,
    ]);
  }, RUN_TIMEOUT_MS);

  it("work on any ref but its own branch", async () => {
    const { polecat, agent } = await attackedTown("other-ref");
    const run = await polecat.runPolecat();
    const { agentBranch } = await runFacts(polecat);
    await expectRefusedTwice(polecat, agent, run, () => [`HEAD is on mine, not on ${agentBranch}; only ${agentBranch} is taken`]);
  }, RUN_TIMEOUT_MS);

  it("a forged Gastown-Closed trailer, and a marker forged under the action's name", async () => {
    const { polecat, agent } = await attackedTown("forged-trailer");
    const run = await polecat.runPolecat();
    const closedOnlyByGasTown = "carries a Gastown-Closed trailer, which only Gas Town writes: leave it out (`gt step done` closes a step)";
    await expectRefusedTwice(polecat, agent, run, ([first]) => {
      const own = String(first?.["own"]).slice(0, 7);
      const forged = String(first?.["forged"]).slice(0, 7);
      return [
        `commit ${own} ("Do plan") ${closedOnlyByGasTown}`,
        `commit ${forged} ("Gastown: step build done") is made under Gas Town's own identity (gastown[bot]), which only the action uses`,
        `commit ${forged} ("Gastown: step build done") ${closedOnlyByGasTown}`,
      ];
    });
  }, RUN_TIMEOUT_MS);

  it("an object file that is a link to a file only root may read", async () => {
    const { polecat, agent } = await attackedTown("object-link");
    const run = await polecat.runPolecat();
    await expectRefusedTwice(polecat, agent, run, ([first]) => [`${String(first?.["object"])} is a symbolic link`]);
    expect(run.log.join("\n")).not.toContain("root:");
  }, RUN_TIMEOUT_MS);
});

describe("a hostile agent against the action's files", () => {
  it("a symlinked outbox is not followed, and the prompt and ledger copy cannot be swapped", async () => {
    const { polecat, agent } = await attackedTown("symlinked-outbox");
    const { outcome, log } = await polecat.runPolecat();
    const facts = await runFacts(polecat);
    const outbox = join(polecat.workRoot, `run-${facts.runId}-1`, "agent", "outbox", "outbox.jsonl");
    const unread = `${outbox} is a symbolic link; it is not followed`;
    const note = `Gas Town did not read the outbox, so nothing the last process recorded counts: ${unread}. Leave the outbox to \`gt\`, finish the step, then run \`gt step done --notes "…"\` again, or choose an exit with \`gt done\`.`;
    const reason = `step plan ended 2 times without being done: ${note}`;
    expect(outcome).toEqual({ kind: "exited", exit: "ESCALATE", reason });
    expect(log).toEqual(await escalatedLog(polecat, agent.command, `The outbox was not read: ${unread}`, reason));
    const reports = await agent.reports(polecat.user.uid);
    expectRanAsAgent(reports, polecat.user);
    // In the sandbox the agent's directory is a read-only mount (its own files too), and its home another mount.
    const swaps = { prompt: "EXDEV", promptNext: "EROFS", ledger: "EROFS", ledgerNext: "EROFS" };
    expect(reports.map((r) => [r.again, r.note, r["swaps"]])).toEqual([[false, undefined, swaps], [true, note, swaps]]);
    expect(await steps(polecat)).toEqual({ plan: false, build: false });
    expect(gastownMetadata(await polecat.bead())).toMatchObject({ exit: "ESCALATE", exit_reason: reason });
    expect(await polecat.commits(facts.branch)).toEqual([`Gastown: start work on ${facts.bead}\nGastown-Bead: ${facts.bead}`]);
    expect(heartbeat(polecat).notes).toEqual([`Escalated: ${reason}`]);
  }, RUN_TIMEOUT_MS);

  it("hooks and configuration in its clone (core.fsmonitor, core.sshCommand, filters…) never run for the action", async () => {
    const { polecat, agent } = await attackedTown("git-traps");
    const { outcome, log } = await polecat.runPolecat();
    expect(outcome).toEqual(await completed(polecat));
    expect(log).toEqual(await finishedLog(polecat, agent.command));
    expect(heartbeat(polecat)).toEqual(FINISHED_HEARTBEAT);
    const reports = await agent.reports(polecat.user.uid);
    expectRanAsAgent(reports, polecat.user);
    const facts = await runFacts(polecat);
    expect(await polecat.commits(facts.branch)).toEqual([
      `Gastown: start work on ${facts.bead}\nGastown-Bead: ${facts.bead}`,
      `Do plan\nGastown-Bead: ${facts.bead}\nGastown-Step: plan`,
      `Gastown: step plan done\nGastown-Bead: ${facts.bead}\nGastown-Closed: plan`,
      `Do build\nGastown-Bead: ${facts.bead}\nGastown-Step: build`,
      `Gastown: step build done\nGastown-Bead: ${facts.bead}\nGastown-Closed: build`,
    ]);
    // Every trap that went off did so for the agent's own git, as the agent: none between its
    // two processes, when the action took, pushed and moved its branch, and none after it.
    const lines = (await readFile(join(agent.reportDir, "traps.log"), "utf8")).trimEnd().split("\n");
    const marks = lines.filter((line) => line.startsWith("--- "));
    expect(marks).toEqual(["--- plan: the agent starts", "--- plan: the agent stops", "--- build: the agent starts", "--- build: the agent stops"]);
    expect(lines.indexOf("--- build: the agent starts")).toBe(lines.indexOf("--- plan: the agent stops") + 1);
    expect(lines.at(-1)).toBe("--- build: the agent stops");
    const sprung = lines.filter((line) => !line.startsWith("--- "));
    expect(new Set(sprung.map((line) => line.split(" ")[1]))).toEqual(new Set([String(polecat.user.uid)]));
    expect(sprung.map((line) => line.split(" ")[0])).toEqual(expect.arrayContaining(["hook-pre-commit", "hook-commit-msg", "hook-post-commit", "filter.clean"]));
  }, RUN_TIMEOUT_MS);
});

describe("a hostile agent's outbox", () => {
  it("mail to another bead, and beads under or blocking another, are refused; the rest of the outbox counts", async () => {
    const { polecat, agent } = await attackedTown("foreign-mail");
    const { outcome, log } = await polecat.runPolecat();
    const facts = await runFacts(polecat);
    expect(outcome).toEqual(await completed(polecat));
    expect(log).toEqual(await finishedLog(polecat, agent.command, {
      plan: [
        `Refused from the outbox: outbox.jsonl:1: to: must be one of overseer, witness, refinery, mayor (got "${facts.molecule}")`,
        `Refused from the outbox: outbox.jsonl:2: parent: may name only this run's work bead, ${facts.bead} (got ${facts.molecule})`,
        `Refused from the outbox: outbox.jsonl:3: blocks: may name only this run's work bead, ${facts.bead} (got ${facts.molecule}.2)`,
      ],
    }));
    expect(heartbeat(polecat)).toEqual(FINISHED_HEARTBEAT);
    const reports = await agent.reports(polecat.user.uid);
    expectRanAsAgent(reports, polecat.user);
    expect(reports[0]?.["gt"]).toEqual({ status: 2, stderr: `gt: --to: must be one of overseer, witness, refinery, mayor (got "${facts.molecule}")` });
    const ledger = await polecat.ledger();
    const filed = ledger.beads().filter((b) => b.created_by === "polecat/furiosa");
    expect(filed.map((b) => [b.issue_type, b.assignee, b.title, b.labels])).toEqual([["message", "witness", "Plan done", ["gt:mail"]]]);
    const others = [facts.molecule, `${facts.molecule}.2`].map((id) => ledger.get(id));
    expect(others.flatMap((b) => (b?.dependencies ?? []).filter((d) => d.created_by === "polecat/furiosa"))).toEqual([]);
    expect(await steps(polecat)).toEqual({ plan: true, build: true });
  }, RUN_TIMEOUT_MS);

  it("beads and mail are capped per run, not per step, and so is the outbox's size", async () => {
    const { polecat, agent } = await attackedTown("caps");
    const { outcome, log } = await polecat.runPolecat();
    expect(outcome).toEqual(await completed(polecat));
    expect(log).toEqual(await finishedLog(polecat, agent.command, {
      build: [
        "Refused from the outbox: outbox.jsonl:1: a run may send at most 10 mail",
        "Refused from the outbox: outbox.jsonl:2: a run may file at most 20 beads",
        "Refused from the outbox: outbox.jsonl:4: the outbox is over its cap of 262144 bytes: this line and every one after it are refused",
      ],
    }));
    expect(heartbeat(polecat)).toEqual(FINISHED_HEARTBEAT);
    expectRanAsAgent(await agent.reports(polecat.user.uid), polecat.user);
    const filed = (await polecat.ledger()).beads().filter((b) => b.created_by === "polecat/furiosa").map((b) => b.id).sort();
    const ids = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `town-${prefix}plan${i + 1}`);
    expect(filed).toEqual([...ids("b", 20), ...ids("m", 10)].sort());
    expect(await steps(polecat)).toEqual({ plan: true, build: true });
  }, RUN_TIMEOUT_MS);
});

describe("a hostile agent that leaks the run's secrets", () => {
  it("finds every one redacted, in plain, base64 and URL-encoded forms, in all the action publishes", async () => {
    const { polecat, agent } = await attackedTown("leak");
    const key = "sk-ant/canary+key=ABCDEF";
    const token = polecat.runs().at(-1)?.token as string;
    // Both are whole base64 groups long, so each form the agent writes is hidden whole.
    expect([token.length % 3, `x-access-token:${token}`.length % 3, key.length % 3]).toEqual([0, 0, 0]);
    await agent.orders({ secrets: [token, key] });
    const { outcome, log, masks } = await polecat.runPolecat({ inputs: { "api-key": key } });
    const facts = await runFacts(polecat);
    const hidden = Array(8).fill("***").join(" ");
    const reports = await agent.reports(polecat.user.uid);
    expectRanAsAgent(reports, polecat.user, ["ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", ...AGENT_ENVIRONMENT].sort());
    const buildCommit = String(reports.at(-1)?.["head"]).slice(0, 7);
    const reason = `the agent's work on step build was refused twice: commit ${buildCommit} ("Leak ${hidden}") changes .github/workflows/leak.yml, a protected path (.github/**)`;
    expect(outcome).toEqual({ kind: "exited", exit: "ESCALATE", reason });
    expect(masks).toEqual(new Redactor([token, key]).masks());
    expect(masks).toEqual(expect.arrayContaining([token, key, encodeURIComponent(key), Buffer.from(key).toString("base64")]));

    // What the agent wrote is recorded, with the secrets hidden.
    const ledger = await polecat.ledger();
    const work = ledger.get(facts.bead) as Bead;
    expect(gastownMetadata(work)).toMatchObject({ exit: "ESCALATE", exit_reason: reason });
    expect(gastownMetadata(ledger.get(`${facts.molecule}.1`) as Bead).notes).toBe(`notes: ${hidden}`);
    const filed = ledger.beads().filter((b) => b.created_by === "polecat/furiosa");
    expect(filed.map((b) => [b.issue_type, b.title, b.description])).toEqual(expect.arrayContaining([
      ["task", "title: ***", `description: ${hidden}`],
      ["message", "subject: ***", `body: ${hidden}`],
    ]));
    // Its output and its errors, in the order they arrived.
    expect(heartbeat(polecat).text?.split("\n").sort()).toEqual(["```text", `out: ${hidden}`, `err: ${hidden}`, "", "```"].sort());
    expect(heartbeat(polecat).notes).toEqual([`Refused: ${reason.slice(reason.indexOf("commit "))}`, `Escalated: ${reason}`]);

    // Nothing the run published holds either secret in any form: the log, every heartbeat, every
    // ledger commit, every commit on the work ref.
    const git = polecat.town.github.git("octo/town");
    const published = [
      ...log,
      JSON.stringify(polecat.town.github.state.repos["octo/town"]?.checkRuns.map((c) => c.output)),
      await git.git(["log", "-p", "gastown/ledger"]),
      await git.git(["log", "--format=%B", `refs/heads/${facts.branch}`]),
    ].join("\n");
    for (const form of [...secretForms(token), ...secretForms(key)]) expect(published).not.toContain(form);
    expect(await steps(polecat)).toEqual({ plan: true, build: false });
  }, RUN_TIMEOUT_MS);
});

describe("a hostile agent that tries to outlive its step", () => {
  it("has its detached processes killed when the step ends, and is denied cron and at", async () => {
    // Two minutes: were the step to wait for a process that holds its output, the run would escalate.
    const { polecat, agent } = await attackedTown("detached", { polecat: "  timeout_minutes: 2\n" });
    const { outcome, log } = await polecat.runPolecat();
    expect(outcome).toEqual(await completed(polecat));
    expect(log).toEqual(await finishedLog(polecat, agent.command));
    expect(heartbeat(polecat)).toEqual(FINISHED_HEARTBEAT);
    const reports = await agent.reports(polecat.user.uid);
    expectRanAsAgent(reports, polecat.user);
    const [left, next] = reports;
    // Neither could leave the cgroup the action made for the step: in the sandbox no cgroup
    // hierarchy is mounted, so there is none to move to.
    expect(left?.["escapes"]).toEqual({ holding: [""], detached: [""] });
    expect(left?.["denied"]).toEqual({ cron: true, at: true });
    const installed = (command: string) => spawnSync("/bin/sh", ["-c", `command -v ${command}`]).status === 0;
    if (installed("crontab")) expect(left?.["crontab"]).toMatchObject({ status: 1, stderr: expect.stringMatching(/not allowed/) });
    else expect(left?.["crontab"]).toEqual({ error: "ENOENT" });
    if (installed("at")) expect(left?.["at"]).toMatchObject({ status: 1, stderr: expect.stringMatching(/permission/) });
    else expect(left?.["at"]).toEqual({ error: "ENOENT" });
    // The sandbox's /var holds only its own tmp.
    expect(left?.["spool"]).toBe("ENOENT");
    // The next step's process finds nothing of the last one's.
    expect(next?.["survivors"]).toEqual([{ name: "holding", alive: false }, { name: "detached", alive: false }]);
    expect(await processesOf(polecat.user.uid)).toEqual([]);
    expect(await steps(polecat)).toEqual({ plan: true, build: true });
  }, 180_000);
});

describe("an agent user that is more than itself", () => {
  it("is refused before any agent runs: here, a member of a group besides its own", async () => {
    polecat = await startPolecatTown({ command: `${AGENTS}/diligent.sh` });
    const { user } = polecat;
    const group = `${user.name}-g`;
    execFileSync(systemTool("groupadd"), ["--users", user.name, group]);
    cleanUps.push(async () => {
      execFileSync(systemTool("groupdel"), [group]);
    });
    const { outcome, log } = await polecat.runPolecat();
    const message = `The agent's user ${user.name} is not on its own: it is a member of the group ${group}.`;
    expect(outcome).toEqual({ kind: "failed", message });
    expect(log.at(-1)).toBe(`failed: ${message}`);
    expect(await steps(polecat)).toEqual({ plan: false, build: false });
  }, RUN_TIMEOUT_MS);
});

describe("the bundled action on a kept runner, as the runner starts it, with the sandbox off", () => {
  // Without the sandbox the agent sees the runner as its user may: this is what keeps the
  // credentials from it even then (the sandboxed run is sandbox-attacks.test.ts).
  it("keeps every credential out of the agent's reach and off every command line, then removes the agent's user and files", async () => {
    agent = await hostileAgent("canaries", { shared: true });
    polecat = await startPolecatTown({ command: agent.command, polecat: "  sandbox: off\n" });
    const facts = await runFacts(polecat);
    const token = polecat.runs().at(-1)?.token as string;
    const canary = (name: string) => `canary-${name}-${randomBytes(12).toString("hex")}`;
    const canaries = {
      token, modelKey: canary("model-key"), runtimeToken: canary("actions-runtime"), idToken: canary("id-token-request"), variable: canary("variable"),
    };
    // The runner's files for the step's commands, in a directory of the runner's own.
    const runner = await mkdtemp(join(tmpdir(), "gastown-runner-"));
    cleanUps.push(() => rm(runner, { recursive: true, force: true }));
    const fileCommands = join(runner, "_runner_file_commands");
    await mkdir(fileCommands, { mode: 0o700 });
    const runnerFiles = Object.fromEntries(["GITHUB_ENV", "GITHUB_OUTPUT", "GITHUB_PATH", "GITHUB_STATE", "GITHUB_STEP_SUMMARY"].map((name) => [name, join(fileCommands, name.toLowerCase())]));
    for (const file of Object.values(runnerFiles)) await writeFile(file, "");
    // Every git the action runs is traced, with the command line of everything it starts.
    const traceBin = join(runner, "trace-bin");
    await mkdir(traceBin);
    const trace = join(runner, "git-trace.jsonl");
    const realGit = execFileSync("/bin/sh", ["-c", "command -v git"], { encoding: "utf8" }).trim();
    await writeFile(join(traceBin, "git"), `#!/bin/sh\nGIT_TRACE2_EVENT='${trace}' exec '${realGit}' "$@"\n`, { mode: 0o755 });
    const leftovers = ["/tmp", "/var/tmp", "/dev/shm"].map((dir) => join(dir, `gastown-left-behind-${process.pid}`));
    await agent.orders({ canaries, runnerFiles: Object.values(runnerFiles), leftovers });
    const userName = `gtagent-${facts.runId}-1`;
    cleanUps.push(async () => {
      // Only if the run failed halfway: the user it made must not outlive the test.
      const left = await userIds(userName).catch(() => undefined);
      if (left !== undefined) {
        await killAllProcessesOf(left);
        await removeAgentUser({ ...left, home: "", createdDenyFiles: [] }, { paths: [] });
      }
    });

    const run = await runBundledPolecat(polecat, {
      inputs: { "api-key": canaries.modelKey, "allow-persistent-runner": "true" },
      env: {
        PATH: `${traceBin}:${process.env["PATH"] ?? "/usr/bin:/bin"}`,
        HOME: runner,
        CI: "true",
        RUNNER_ENVIRONMENT: "self-hosted",
        RUNNER_OS: "Linux",
        RUNNER_TEMP: runner,
        GITHUB_WORKSPACE: runner,
        GITHUB_TOKEN: token,
        ACTIONS_RUNTIME_TOKEN: canaries.runtimeToken,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: canaries.idToken,
        ACTIONS_ID_TOKEN_REQUEST_URL: "http://127.0.0.1:9/token",
        ACTIONS_RESULTS_URL: "http://127.0.0.1:9/results",
        CANARY: canaries.variable,
        GASTOWN_WORK_ROOT: polecat.workRoot,
        ...runnerFiles,
      },
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines.filter((line) => !line.startsWith("::add-mask::"))).toEqual([
      `Polecat furiosa claimed ${facts.bead}, attempt 1 (run ${facts.runId}).`,
      `Made the work ref ${facts.branch} at ${(await workStart(polecat, facts.branch)).slice(0, 12)}.`,
      "::warning::polecat.sandbox is off: the agent runs unisolated, with the model's key and the runner's network.",
      `Step 1 of 2, plan: polecat.command ${agent.command}.`,
      ...AGENT_ENDED.split("\n"),
      `Step 2 of 2, build: polecat.command ${agent.command}.`,
      ...AGENT_ENDED.split("\n"),
      ...await completedLog(polecat),
    ]);
    // The run's token and the model key are masked in the job's log, in each form they can take.
    expect(lines.filter((line) => line.startsWith("::add-mask::")).map((line) => line.slice("::add-mask::".length)))
      .toEqual(new Redactor([token, canaries.modelKey]).masks());

    // The agent ran as a user the action made, and found nothing.
    const uid = await agent.reportWriter();
    const reports = await agent.reports(uid);
    expectRanAsAgent(reports, { uid, gid: reports[0]?.identity.gid ?? -1, name: userName }, UNSANDBOXED_AGENT_ENVIRONMENT);
    const parentCommand = [process.execPath, POLECAT_BUNDLE];
    for (const report of reports) {
      expect(report["found"]).toEqual([]);
      expect(report["proc"]).toMatchObject({ parent: { cmdline: parentCommand, environ: "EACCES", fds: "EACCES" } });
      const proc = report["proc"] as Record<string, { read: number; denied: number }>;
      expect(proc["cmdline"]?.read).toBeGreaterThan(0);
      expect(proc["environ"]?.denied).toBeGreaterThan(0);
      expect(report["files"]).toEqual({ denied: [". (EACCES)", "action (EACCES)"], skipped: ["agent/bin/node"] });
      expect(report["runnerFiles"]).toEqual(Object.fromEntries(Object.values(runnerFiles).map((file) => [file, "EACCES"])));
      expect(report["sudo"]).not.toMatchObject({ status: 0 });
      expect(report["docker"]).not.toBe("connected");
      expect(report["memberOf"]).toEqual([]);
    }
    // The runner's files hold only what the action put there: its own state, for its post step.
    for (const [name, file] of Object.entries(runnerFiles)) {
      const text = await readFile(file, "utf8");
      if (name !== "GITHUB_STATE") expect(text).toBe("");
      else expect([...new Set([...text.matchAll(/^(\w+)<<ghadelimiter_/gm)].map((m) => m[1]))]).toEqual(["agent", "heartbeat", "ended"]);
    }

    // No git the action ran, nor anything git started, had a credential on its command line; the
    // token went through the askpass helper.
    const events = (await readFile(trace, "utf8")).trimEnd().split("\n").map((line) => JSON.parse(line) as { event: string; argv?: string[] });
    const commandLines = events.filter((e) => e.argv !== undefined).map((e) => (e.argv as string[]).join(" "));
    expect(commandLines.length).toBeGreaterThan(0);
    for (const secret of Object.values(canaries)) expect(commandLines.filter((line) => line.includes(secret))).toEqual([]);
    const askpass = new Set(commandLines.filter((line) => line.includes("/action/askpass")).map((line) => line.replace(/:\d+'/, ":<port>'")));
    const helper = join(polecat.workRoot, `run-${facts.runId}-1`, "action", "askpass");
    expect(askpass).toEqual(new Set([`${helper} Username for 'http://127.0.0.1:<port>': `, `${helper} Password for 'http://x-access-token@127.0.0.1:<port>': `]));

    // Nothing it published holds a secret.
    const git = polecat.town.github.git("octo/town");
    const published = [
      JSON.stringify(polecat.town.github.state.repos["octo/town"]?.checkRuns.map((c) => c.output)),
      await git.git(["log", "-p", "gastown/ledger"]),
      await git.git(["log", "--format=%B", `refs/heads/${facts.branch}`]),
    ].join("\n");
    for (const secret of Object.values(canaries)) expect(published).not.toContain(secret);
    expect(await steps(polecat)).toEqual({ plan: true, build: true });

    // On a kept runner, nothing of the agent's is left: its user, its processes, its workspace,
    // its deny lines, what it left in the shared temporary directories.
    expect((await readFile("/etc/passwd", "utf8")).split("\n").filter((line) => line.startsWith(`${userName}:`))).toEqual([]);
    expect(await processesOf(uid)).toEqual([]);
    expect(existsSync(join(polecat.workRoot, `run-${facts.runId}-1`))).toBe(false);
    for (const file of ["/etc/cron.deny", "/etc/at.deny"]) {
      const text = existsSync(file) ? await readFile(file, "utf8") : "";
      expect(text.split("\n")).not.toContain(userName);
    }
    for (const path of leftovers) expect(existsSync(path)).toBe(false);
  }, RUN_TIMEOUT_MS);
});
