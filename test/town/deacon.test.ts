// The deacon's decisions for one rig: its findings from what was read (settings, workflows,
// ledger, escalations), the reminders due on unanswered escalations, and what becomes of the
// one town health issue. Exact bodies.
import { describe, expect, it } from "vitest";
import { defaultConfig, type GastownConfig } from "../../app/config/config-schema.js";
import { ConfigError, parseConfig, type ConfigProblem } from "../../app/config/read-config.js";
import type { LedgerProblem } from "../../app/ledger/ledger-problems.js";
import { decideRig, healthIssueActions, type RigReading, type WorkflowReading } from "../../app/town/deacon.js";
import {
  decideEscalations, mentionedIn, pastReminderAge, reminderMarker, type EscalationComment, type EscalationReading,
} from "../../app/town/escalation-reminders.js";
import { townHealthBody, TOWN_HEALTH_CLOSED } from "../../app/town/town-health.js";

const NOW = new Date("2026-11-25T12:00:00Z");
const BOT = "gastown[bot]";
const active: WorkflowReading = { kind: "found", state: "active" };

function healthy(overrides: Partial<Extract<RigReading, { kind: "on" }>> = {}, config: GastownConfig = defaultConfig()): RigReading {
  return { kind: "on", config, polecatWorkflow: active, patrolWorkflow: { kind: "missing" }, ledgerErrors: [], escalations: [], ...overrides };
}

function configProblems(text: string): readonly ConfigProblem[] {
  try {
    parseConfig(text);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("the settings read");
}

const decide = (reading: RigReading) => decideRig(reading, { now: NOW, botLogin: BOT });
const body = (reading: RigReading) => townHealthBody(decide(reading).findings);
const INTRO = (count: string) =>
  `The deacon, Gas Town's patrol over every repository of the installation, found ${count} here ` +
  "that a person must fix. It brings this issue up to date on each pass, and closes it once all is well.";

describe("a rig's findings", () => {
  it("finds nothing in a rig whose workflows are active, whose ledger reads, with no patrol workflow (an App server patrols on its own timer)", () => {
    expect(decide(healthy())).toEqual({ findings: [], reminders: [] });
  });

  it("reports settings that do not read, naming file, line, column and setting, and reads nothing else", () => {
    const reading: RigReading = { kind: "invalid", problems: configProblems("polecat:\n  max_turns: 0\nlimits: {max_polecats: many}\n") };
    expect(body(reading)).toBe([
      "<!-- gastown:town-health -->",
      INTRO("1 problem"),
      "",
      "### `.github/gastown.yml` does not read",
      "",
      "Gas Town does nothing in this repository until it does: no sling, no command, no patrol. Fix these settings (each line names the file, line, column and setting):",
      "",
      "```text",
      ".github/gastown.yml:2:14: polecat.max_turns: Too small: expected number to be >=1",
      ".github/gastown.yml:3:24: limits.max_polecats: Invalid input: expected number, received string",
      "```",
      "",
    ].join("\n"));
  });

  it("reports a polecat workflow that is missing, disabled, deleted or refused, naming the file polecat.workflow gives", () => {
    const config = parseConfig("polecat: {workflow: agents.yml}\n");
    const sections = (polecatWorkflow: WorkflowReading) => body(healthy({ polecatWorkflow }, config)).split("\n").slice(3);
    const missing = [
      "### The polecat workflow is missing",
      "",
      "`.github/workflows/agents.yml` (`polecat.workflow` in `.github/gastown.yml`) is not in the repository, so no sling can start a polecat. " +
        "Add it (the README's \"The polecat workflow and its secrets\" has one to copy), or set `polecat.workflow` to the workflow file the repository has.",
      "",
    ];
    expect(sections({ kind: "missing" })).toEqual(missing);
    expect(sections({ kind: "found", state: "deleted" })).toEqual(missing);
    expect(sections({ kind: "found", state: "disabled_manually" })).toEqual([
      "### The polecat workflow is disabled",
      "",
      "`.github/workflows/agents.yml` (`polecat.workflow` in `.github/gastown.yml`) is `disabled_manually`: someone disabled it. " +
        "GitHub refuses to dispatch it, so no sling can start a polecat. Enable it on the repository's Actions page.",
      "",
    ]);
    expect(sections({ kind: "found", state: "disabled_fork" })[2]).toContain("is `disabled_fork`: GitHub disables a fork's workflows until someone enables them. ");
    expect(sections({ kind: "refused", status: 403, message: "Resource not accessible by integration @ann" })).toEqual([
      "### GitHub refuses the polecat workflow",
      "",
      "Asked for `.github/workflows/agents.yml` (`polecat.workflow` in `.github/gastown.yml`), GitHub answered 403: Resource not accessible by integration @\u200bann. " +
        "A sling cannot dispatch it either. Check that the App's installation covers this repository with the Actions permission (write).",
      "",
    ]);
  });

  it("reports an active polecat workflow GitHub would refuse to dispatch, from its file on polecat.ref", () => {
    const config = parseConfig("polecat: {ref: release}\n");
    const sections = (text: string | undefined) =>
      body(healthy({ polecatWorkflowFile: { ref: "release", text } }, config)).split("\n").slice(3);
    expect(decide(healthy({ polecatWorkflowFile: { ref: "main", text: "on: {workflow_dispatch: {inputs: {bead: {}, molecule: {}, polecat: {}, attempt: {}, limits: {}}}}\n" } })))
      .toEqual({ findings: [], reminders: [] });
    expect(sections("on: [push]\n")).toEqual([
      "### GitHub would refuse to dispatch the polecat workflow",
      "",
      "A sling dispatches `.github/workflows/gastown-polecat.yml` on `release`, and GitHub would refuse it:",
      "",
      "```text",
      ".github/workflows/gastown-polecat.yml:1:1: on: has no workflow_dispatch trigger, so GitHub refuses to dispatch it",
      "```",
      "",
      "Fix the workflow (the README's \"The polecat workflow and its secrets\" has one to copy).",
      "",
    ]);
    expect(sections(undefined)).toEqual([
      "### GitHub would refuse to dispatch the polecat workflow",
      "",
      "A sling dispatches `.github/workflows/gastown-polecat.yml` on `release` (`polecat.ref` in `.github/gastown.yml`, else the default branch), " +
        "and it is not there, so GitHub refuses the dispatch. Put it on `release`, or set `polecat.ref` to a branch that has it.",
      "",
    ]);
  });

  it("reports a patrol workflow GitHub disabled, and none that is active or missing", () => {
    expect(decide(healthy({ patrolWorkflow: active })).findings).toEqual([]);
    expect(body(healthy({ patrolWorkflow: { kind: "found", state: "disabled_inactivity" } })).split("\n").slice(3)).toEqual([
      "### The patrol workflow is disabled",
      "",
      "`.github/workflows/gastown-patrol.yml` is `disabled_inactivity`: GitHub disabled it after 60 days without activity in the repository. " +
        "Its schedule no longer runs the witness's patrol here, so stuck and crashed polecats wait for the next event to be noticed. " +
        "Enable it on the repository's Actions page.",
      "",
    ]);
  });

  it("reports a ledger that does not validate, with its errors fenced, on the branch ledger.branch names", () => {
    const error = (line: number): LedgerProblem =>
      ({ file: "town/ledger:.beads/issues.jsonl", line, field: "status", message: 'must be one of "open", "closed" (got "@mayor")', severity: "error" });
    const reading = healthy({ ledgerErrors: [error(3), error(8)] }, parseConfig("ledger: {branch: town/ledger}\n"));
    expect(body(reading).split("\n").slice(3)).toEqual([
      "### The ledger does not validate",
      "",
      "`.beads/issues.jsonl` on `town/ledger` (`ledger.branch` in `.github/gastown.yml`) has 2 errors, so Gas Town can neither sling nor record anything here. " +
        "Fix them on the branch (`gt ledger validate` lists every one); Gas Town rewrites nothing:",
      "",
      "```text",
      'town/ledger:.beads/issues.jsonl:3: status: must be one of "open", "closed" (got "@mayor")',
      'town/ledger:.beads/issues.jsonl:8: status: must be one of "open", "closed" (got "@mayor")',
      "```",
      "",
    ]);
  });

  it("lists every finding in one body, in a fixed order", () => {
    const reading = healthy({
      polecatWorkflow: { kind: "missing" },
      patrolWorkflow: { kind: "found", state: "disabled_manually" },
      ledgerErrors: [{ file: "f", line: 1, field: "", message: "not valid JSON", severity: "error" }],
      escalations: [escalation(9, { createdAt: "2026-11-23T12:00:00Z" })],
    });
    const text = body(reading);
    expect(text.split("\n")[1]).toBe(INTRO("4 problems"));
    expect(text.split("\n").filter((line) => line.startsWith("### "))).toEqual([
      "### The polecat workflow is missing",
      "### The patrol workflow is disabled",
      "### The ledger does not validate",
      "### Escalation #9 has no answer",
    ]);
  });
});

const ESCALATION_BODY = "@ann: @mayor escalated #4 (bead `town-a1b`, polecat **furiosa**):\n\n```text\nstuck\n```\n\nThe work stays as it is; see its status on #4.\n<!-- gastown:escalation town-a1b.m1 -->";

function escalation(number: number, fields: Partial<EscalationReading> = {}): EscalationReading {
  return { number, body: ESCALATION_BODY, createdAt: "2026-11-24T11:00:00Z", comments: [], ...fields };
}

const person = (login: string, text = "On it."): EscalationComment => ({ login, type: "User", body: text });
const reminded = (at: string): EscalationComment => ({ login: BOT, type: "Bot", body: `${reminderMarker(new Date(at))}\n@ann: …` });

describe("escalations left unanswered", () => {
  const hours = 24;
  const decideAt = (escalations: EscalationReading[], now = NOW) => decideEscalations(escalations, { now, hours, botLogin: BOT });

  it("reads the comments only of escalations at least escalation_reminder_hours old, and of no work issue labelled gt:escalated", () => {
    const listed = [
      escalation(1, { createdAt: "2026-11-24T12:00:00Z" }),
      escalation(2, { createdAt: "2026-11-24T12:00:01Z" }),
      escalation(3, { body: "The pumps leak.\n\n<!-- gastown:status -->" }),
    ];
    expect(pastReminderAge(listed, NOW, hours).map((e) => e.number)).toEqual([1]);
    expect(decideAt(listed).unanswered.map((u) => u.number)).toEqual([1]);
  });

  it("mentions again whoever slung the work, once the escalation is past the age with no comment from a person", () => {
    const decision = decideAt([escalation(7, { comments: [{ login: "renovate[bot]", type: "Bot", body: "Bump" }] })]);
    expect(decision).toEqual({
      unanswered: [{ number: 7, since: "2026-11-24T11:00:00Z", mention: "ann" }],
      reminders: [{
        number: 7,
        body: "<!-- gastown:escalation-reminder 2026-11-25T12:00:00.000Z -->\n" +
          "@ann: this escalation has waited 25 hours for an answer from a person. Answer here, or close this issue once the work is in hand; " +
          "until then Gas Town reminds again every 24 hours (`deacon.escalation_reminder_hours` in `.github/gastown.yml`).",
      }],
    });
    expect(townHealthBody(decideRig(healthy({ escalations: [escalation(7)] }), { now: NOW, botLogin: BOT }).findings).split("\n").slice(3)).toEqual([
      "### Escalation #7 has no answer",
      "",
      "#7 has waited for an answer from a person since 2026-11-24T11:00:00Z. Gas Town reminds on it every 24 hours, mentioning whoever slung the work " +
        "(`deacon.escalation_reminder_hours` in `.github/gastown.yml`). Answer there, or close it once the work is in hand.",
      "",
    ]);
  });

  it("leaves an escalation a person has answered, whatever they said", () => {
    expect(decideAt([escalation(7, { comments: [reminded("2026-11-25T11:00:00Z"), person("mayor", "Looking")] })])).toEqual({ unanswered: [], reminders: [] });
  });

  it("does not remind again until escalation_reminder_hours after the last reminder, by any copy of the App", () => {
    const once = escalation(7, { createdAt: "2026-11-20T12:00:00Z", comments: [reminded("2026-11-24T12:00:01Z")] });
    expect(decideAt([once]).reminders).toEqual([]);
    expect(decideAt([once]).unanswered.map((u) => u.number)).toEqual([7]);
    const later = decideAt([once], new Date("2026-11-25T12:00:01Z")).reminders;
    expect(later.map((r) => r.body.split("\n")[0])).toEqual(["<!-- gastown:escalation-reminder 2026-11-25T12:00:01.000Z -->"]);
    expect(later[0]?.body).toContain("@ann: this escalation has waited 120 hours");
  });

  it("takes no marker from anyone but the App, and reminds without a mention when the work names nobody", () => {
    const copied = { login: "mallory", type: "Organization", body: reminderMarker(new Date("2026-11-25T11:00:00Z")) };
    const unnamed = escalation(8, { body: "polecat **nux** escalated #5 (bead `town-c3d`, attempt 2): it needs a person.\n<!-- gastown:exit town-c3d@2 -->", comments: [copied] });
    const decision = decideAt([unnamed]);
    expect(decision.unanswered).toEqual([{ number: 8, since: "2026-11-24T11:00:00Z", mention: undefined }]);
    expect(decision.reminders[0]?.body.split("\n")[1]).toMatch(/^This escalation has waited 25 hours for an answer from a person\./);
  });

  it("reads the mention from the first line only", () => {
    expect(mentionedIn("@dependabot[bot]: polecat **nux** escalated #5")).toBe("dependabot[bot]");
    expect(mentionedIn("@: polecat **nux** escalated #5")).toBeUndefined();
    expect(mentionedIn("Escalation\n@ann: hi")).toBeUndefined();
  });

  it("takes the age from deacon.escalation_reminder_hours", () => {
    const config = parseConfig("deacon: {escalation_reminder_hours: 48}\n");
    expect(decideRig(healthy({ escalations: [escalation(7)] }, config), { now: NOW, botLogin: BOT })).toEqual({ findings: [], reminders: [] });
  });
});

describe("the town health issue", () => {
  const findings = decide(healthy({ polecatWorkflow: { kind: "missing" } })).findings;
  const current = townHealthBody(findings);

  it("is opened with its label when there are findings and none is open, and not when there are none", () => {
    expect(healthIssueActions(findings, [])).toEqual([{ kind: "open", title: "Gas Town: town health", body: current, labels: ["gt:town-health"] }]);
    expect(healthIssueActions([], [])).toEqual([]);
  });

  it("is edited in place when its findings change, and left alone when they do not", () => {
    expect(healthIssueActions(findings, [{ number: 3, body: current }])).toEqual([]);
    expect(healthIssueActions(findings, [{ number: 3, body: "older findings" }])).toEqual([{ kind: "edit", number: 3, body: current }]);
  });

  it("is closed with a word once all is well", () => {
    expect(healthIssueActions([], [{ number: 3, body: current }])).toEqual([{ kind: "close", number: 3, comment: TOWN_HEALTH_CLOSED }]);
    expect(TOWN_HEALTH_CLOSED).toBe(
      "All clear: the deacon's last pass found nothing wrong here, so this issue is closed. It opens a new one if something goes wrong again.",
    );
  });

  it("stays one issue: a second one open (two passes at once) is closed in favour of the oldest", () => {
    const duplicate = { kind: "close", number: 5, comment: "Gas Town keeps one town health issue per repository: #3 is it." };
    expect(healthIssueActions(findings, [{ number: 5, body: current }, { number: 3, body: "older findings" }]))
      .toEqual([{ kind: "edit", number: 3, body: current }, duplicate]);
    expect(healthIssueActions([], [{ number: 5, body: current }, { number: 3, body: current }]))
      .toEqual([{ kind: "close", number: 3, comment: TOWN_HEALTH_CLOSED }, duplicate]);
  });
});
