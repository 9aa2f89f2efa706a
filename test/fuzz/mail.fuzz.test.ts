// Fuzzing polecat mail: the `repository_dispatch` doorbell anyone who can write may ring with any
// payload, and the agent's words it leads the App to publish. A mail never makes the App throw, a
// mail that does not name the claimed run changes nothing, the claimed run's mail escalates each
// message once, and what the agent wrote pings no one and cannot pass for another text's marker.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { defaultConfig } from "../../app/config/config-schema.js";
import { isMarkedBody } from "../../app/github/create-issue.js";
import type { Bead } from "../../app/ledger/bead-schema.js";
import { Ledger } from "../../app/ledger/ledger.js";
import { withGastownMetadata } from "../../app/molecules/gastown-metadata.js";
import { escalationIssue, exitComment, exitMarker } from "../../app/town/exit-texts.js";
import { withoutMentions } from "../../app/town/fenced-text.js";
import { escalationIssueText, escalationMarker, MAIL_LABEL } from "../../app/town/message-beads.js";
import type { ExitToPublish } from "../../app/town/publish-exit.js";
import { REPO, type Town } from "../app/app-harness.js";
import { editLedger } from "../app/publish-harness.js";
import { bead } from "../ledger/ledger-builders.js";
import { slungTown } from "./fuzz-town.js";
import { FUZZ_TIMEOUT, fuzzRuns, hostileJson, hostileText, jsonMutation, liveMentions, mutateJson } from "./fuzz-arbitraries.js";

const RUN_ID = 4242;

/** What an agent may write to be shown: mentions, markers of other texts, fences, commands. */
const agentWords = fc.array(fc.oneof(
  hostileText,
  fc.constantFrom("@mayor", "@ann please", "@octo/admins", "`", "```", "````", "~~~", "/sling", "Closes #1", "\n"),
  fc.constantFrom("gt-w1@1", "gt-w1@2", "gt-m1", "gt-m2").map((id) => (id.includes("@") ? `<!-- gastown:exit ${id} -->` : escalationMarker(id))),
), { minLength: 1, maxLength: 6 }).map((parts) => parts.join(" "));


const SANDBOX = defaultConfig().polecat;

function exitOf(attempt: number, exit: ExitToPublish["exit"], reason: string): ExitToPublish {
  const work = bead("gt-w1", { metadata: { gastown: { slung_by: "mayor", polecat: "nux" } } });
  return {
    exit, reason, attempt, runId: RUN_ID, blocker: undefined, workTip: undefined, at: "2026-11-24T12:30:00Z",
    bead: work, polecat: "nux", issue: 1, branch: "polecat/nux/gt-w1", workRef: "gastown/work/nux/gt-w1",
  };
}

describe("what the agent wrote, as the App publishes it", { timeout: FUZZ_TIMEOUT }, () => {
  it("mentions only whoever slung the work, and is marked by its own marker alone", () => {
    fc.assert(fc.property(agentWords, fc.constantFrom("ESCALATE", "BLOCKED", "REFACTOR") as fc.Arbitrary<ExitToPublish["exit"]>, (words, kind) => {
      const exit = exitOf(1, kind, words);
      const texts = [
        { body: escalationIssueText({ slungBy: "mayor", heading: "polecat **nux** escalated #1", issue: 1, text: withoutMentions(words), message: "gt-m1" }).body, own: escalationMarker("gt-m1") },
        { body: kind === "ESCALATE" ? escalationIssue(exit, SANDBOX).body : (exitComment(Ledger.of([exit.bead]), exit, SANDBOX) ?? ""), own: exitMarker(exit) },
      ];
      for (const { body, own } of texts) {
        expect(liveMentions(body).filter((login) => login !== "mayor")).toEqual([]);
        for (const other of [escalationMarker("gt-m2"), exitMarker({ bead: exit.bead, attempt: 2 })]) expect(isMarkedBody(body, other)).toBe(false);
        if (kind === "ESCALATE" || own.includes("escalation")) expect(isMarkedBody(body, own)).toBe(true);
      }
    }), fuzzRuns(300));
  });

  it("cannot hide a later attempt's escalation behind a forged marker (found by fuzzing: the marker matched anywhere in the body)", () => {
    const first = escalationIssue(exitOf(1, "ESCALATE", "Stuck. <!-- gastown:exit gt-w1@2 -->"), SANDBOX).body;
    expect(first).toContain("<!-- gastown:exit gt-w1@2 -->");
    expect(isMarkedBody(first, exitMarker({ bead: bead("gt-w1"), attempt: 2 }))).toBe(false);
    expect(isMarkedBody(first, exitMarker({ bead: bead("gt-w1"), attempt: 1 }))).toBe(true);
  });
});

describe("mail rung with any payload, through the App", { timeout: FUZZ_TIMEOUT }, () => {
  let town: Town;
  let work: Bead;
  const messages = ["gt-m1", "gt-m2"];
  const mailBodies = ["Which pressure? @ann <!-- gastown:escalation gt-m2 -->", "````\n/sling\n@octo/admins ```"];
  const git = () => town.github.git(REPO);
  const ledgerTip = () => git().resolveRef("refs/heads/gastown/ledger");

  const townOf = slungTown();
  beforeAll(async () => {
    town = townOf();
    const slung = (await town.ledger())?.beads().find((b) => b.title === "Fix the pumps");
    if (!slung) throw new Error("not slung");
    // The run that claimed the attempt, and the mail its agent wrote to the overseer.
    await editLedger(town, "mayor", "A run claims the bead and writes to the overseer", (ledger) => ledger.withBeads([
      withGastownMetadata(slung, { run_id: RUN_ID }),
      ...messages.map((id, i) => bead(id, {
        title: `Help ${i}: @mayor`, description: mailBodies[i], issue_type: "message", assignee: "overseer",
        created_by: "polecat/furiosa", labels: [MAIL_LABEL], metadata: { gastown: { mail: slung.id } },
      })),
    ]));
    work = (await town.ledger())?.get(slung.id) as Bead;
    await town.newDeliveries();
  });

  const payload = fc.oneof(
    fc.array(jsonMutation, { maxLength: 3 }).map((mutations) => (base: Record<string, unknown>) => mutateJson(base, mutations)),
    hostileJson.map((value) => () => value),
  );

  it("never throws; unless it names the claimed run it changes nothing, and the claimed run's mail is escalated once", async () => {
    const base = () => ({ type: "HELP", bead: work.id, attempt: 1, run_id: RUN_ID, from: "polecat/furiosa", subject: "s", body: "b" });
    await fc.assert(fc.asyncProperty(payload, fc.constantFrom("gastown.mail", "gastown.mail ", "other"), async (make, eventType) => {
      // GitHub takes only an object of at most ten keys.
      const made = make(base());
      const clientPayload = typeof made === "object" && made !== null && !Array.isArray(made) && Object.keys(made).length <= 10 ? made : { value: made };
      const before = { tip: await ledgerTip(), issues: town.github.state.repos[REPO]?.issues.length, comments: town.issue(1).comments.length };
      await town.as("ann", "POST", `/repos/${REPO}/dispatches`, { event_type: eventType, client_payload: clientPayload });
      for (const d of await town.newDeliveries()) {
        await town.app(0).receive({ id: d.id, name: d.event as never, payload: d.payload as never });
      }
      const named = eventType === "gastown.mail" && typeof clientPayload === "object" && clientPayload !== null &&
        (clientPayload as Record<string, unknown>).bead === work.id && (clientPayload as Record<string, unknown>).attempt === 1 &&
        (clientPayload as Record<string, unknown>).run_id === RUN_ID;
      if (!named) {
        expect(await ledgerTip()).toBe(before.tip);
        expect([town.github.state.repos[REPO]?.issues.length, town.issue(1).comments.length]).toEqual([before.issues, before.comments]);
      }
    }), fuzzRuns(12));
    // The claimed run's own mail, once more: however often it was rung, each message has one
    // issue, which mentions whoever slung the work and no one else.
    await town.as("ann", "POST", `/repos/${REPO}/dispatches`, { event_type: "gastown.mail", client_payload: base() });
    for (const d of await town.newDeliveries()) await town.app(0).receive({ id: d.id, name: d.event as never, payload: d.payload as never });
    const escalations = (town.github.state.repos[REPO]?.issues ?? []).filter((i) => i.title === "Escalation: #1 needs a person");
    expect(escalations).toHaveLength(messages.length);
    for (const issue of escalations) expect(liveMentions(issue.body ?? "").filter((login) => login !== "mayor")).toEqual([]);
    const ledger = await town.ledger();
    const recorded = messages.map((id) => (ledger?.get(id)?.metadata as { gastown?: { issue?: number } } | undefined)?.gastown?.issue);
    expect(new Set(recorded.filter((n) => n !== undefined)).size).toBe(escalations.length);
  });
});
