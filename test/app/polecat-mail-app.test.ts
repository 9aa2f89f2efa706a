// Mail beyond an exit (DESIGN §7, Mail): a polecat's HELP becomes an escalation as `/escalate`
// makes one, only for the run that claimed the bead; and the exit a mail publishes frees its slot
// at once, for the waiting sling that goes next.
import { afterEach, describe, expect, it } from "vitest";
import type { Bead } from "../../app/ledger/bead-schema.js";
import { gastownMetadata } from "../../app/molecules/gastown-metadata.js";
import { AGENTS, startPolecatTown, type PolecatTown } from "../polecat/polecat-harness.js";
import { REPO } from "./app-harness.js";
import { commentsOn, deliverMail, ringAs } from "./publish-harness.js";

const ZWSP = "\u200b";

let polecat: PolecatTown | undefined;
afterEach(async () => {
  await polecat?.close();
  expect(polecat?.town.github.problems ?? []).toEqual([]);
  polecat = undefined;
});

/** What the App sent since `from`, as `METHOD path`. */
function sentSince(town: PolecatTown, from: number): string[] {
  return town.town.sent.slice(from).map((s) => `${s.method} ${s.url.replace(/\?.*$/, "").replace(/\b[0-9a-f]{40}\b/, "x").replace(/\/comments\/\d+$/, "/comments/x")}`);
}

/** Rings a mail as `login` and hands it to the App: the requests the App made for it. */
async function ring(town: PolecatTown, login: string, payload: Record<string, unknown>): Promise<string[]> {
  await ringAs(town.town, login, payload);
  const from = town.town.sent.length;
  await deliverMail(town.town);
  return sentSince(town, from);
}

const issueNumbers = (town: PolecatTown) => (town.town.github.state.repos[REPO]?.issues ?? []).map((i) => i.number);
const messages = async (town: PolecatTown) => (await town.ledger()).beads().filter((b) => b.issue_type === "message");

describe("HELP mail", () => {
  it("escalates the claimed run's mail to the overseer as /escalate does; a forged or repeated mail does nothing", async () => {
    const town = await startPolecatTown({ command: `${AGENTS}/asks-for-help.sh` });
    polecat = town;
    await town.runPolecat();
    // The run's own POLECAT_DONE is lost, so only the HELP below looks.
    await town.town.newDeliveries();
    const bead = await town.bead();
    const runId = town.runs().at(-1)?.id;
    const [message] = await messages(town);
    expect(message).toMatchObject({
      title: "Which pressure do the pumps hold?", assignee: "overseer", created_by: "polecat/furiosa",
      labels: ["gt:mail"], metadata: { gastown: { mail: bead.id } },
    });
    const issuesBefore = issueNumbers(town);
    const commentsBefore = commentsOn(town.town, 1);

    // Forged: anyone may ring, but a run that did not claim the bead's attempt is nothing to act on.
    for (const forged of [
      { type: "HELP", bead: bead.id, attempt: 1, run_id: 999 },
      { type: "ESCALATION", bead: bead.id, attempt: 2, run_id: runId },
      { type: "HELP", bead: bead.id },
    ]) {
      expect(await ring(town, "ann", forged)).toEqual(LOOK);
    }
    expect(issueNumbers(town)).toEqual(issuesBefore);
    expect(commentsOn(town.town, 1)).toEqual(commentsBefore);

    // The claimed run's HELP: its message escalated, once.
    expect(await ring(town, "mayor", { type: "HELP", bead: bead.id, attempt: 1, run_id: runId, body: "ignore me, @ann" })).toEqual([
      ...LOOK,
      ...LEDGER_WRITE,
      "POST /repos/octo/town/issues",
      ...LEDGER_WRITE,
      "POST /repos/octo/town/issues/1/labels",
      "POST /repos/octo/town/issues/1/comments",
    ]);
    const escalation = town.town.issue(2);
    expect({ title: escalation.title, user: escalation.user, labels: escalation.labels, body: escalation.body }).toEqual({
      title: "Escalation: #1 needs a person",
      user: "gastown[bot]",
      labels: ["gt:escalated"],
      body: [
        `@mayor: polecat **furiosa** escalated #1 (bead \`${bead.id}\`, attempt 1):`,
        "",
        "```text",
        "Which pressure do the pumps hold?",
        "",
        `The spec says 3 bar, the pumps say 5 (@${ZWSP}mayor knows).`,
        "```",
        "",
        "The work stays as it is; see its status on #1.",
        `<!-- gastown:escalation ${message?.id} -->`,
      ].join("\n"),
    });
    expect(commentsOn(town.town, 1)).toEqual([
      ...commentsBefore,
      { user: "gastown[bot]", body: "Polecat **furiosa** escalated as #2, mentioning @mayor." },
    ]);
    // The exit is not published yet (its mail was lost): only gt:escalated is new.
    expect([...town.town.issue(1).labels].sort()).toEqual(["gt:escalated", "gt:sling/two-steps", "status::hooked"]);
    expect(await messages(town)).toEqual([{ ...message, metadata: { gastown: { mail: bead.id, issue: 2 } } }]);

    // Delivered again: the ledger says it is escalated, so only the look.
    expect(await ring(town, "mayor", { type: "HELP", bead: bead.id, attempt: 1, run_id: runId })).toEqual(LOOK);
    expect(issueNumbers(town)).toEqual([1, 2]);
    expect(commentsOn(town.town, 1)).toHaveLength(commentsBefore.length + 1);

    // The run's POLECAT_DONE, late: its exit is published, its mail not escalated again.
    await ring(town, "mayor", { type: "POLECAT_DONE", bead: bead.id, attempt: 1, run_id: runId });
    expect(issueNumbers(town)).toEqual([1, 2]);
    expect(commentsOn(town.town, 1).at(-1)?.body).toContain("as **BLOCKED**");
    expect([...town.town.issue(1).labels].sort()).toEqual(["gt:escalated", "status::blocked"]);
  });

  it("the run's last mail escalates what its agent wrote to the overseer when no HELP rang for it, then publishes the exit", async () => {
    const town = await startPolecatTown({ command: `${AGENTS}/asks-for-help.sh` });
    polecat = town;
    await town.runPolecat();
    const from = town.town.sent.length;
    const [mail] = await deliverMail(town.town);
    expect(mail?.payload).toMatchObject({ client_payload: { type: "POLECAT_DONE", attempt: 1, run_id: town.runs().at(-1)?.id } });
    // One ledger read for both: the escalation's requests, then the publishing's from its claim on.
    const escalating = [
      ...LOOK, ...LEDGER_WRITE, "POST /repos/octo/town/issues", ...LEDGER_WRITE,
      "POST /repos/octo/town/issues/1/labels", "POST /repos/octo/town/issues/1/comments",
    ];
    expect(sentSince(town, from).slice(0, escalating.length + LEDGER_WRITE.length)).toEqual([...escalating, ...LEDGER_WRITE]);
    expect(issueNumbers(town)).toEqual([1, 2]);
    expect(town.town.issue(2).body).toContain("Which pressure do the pumps hold?");
    expect(commentsOn(town.town, 1).map((c) => c.body.split("\n")[0])).toEqual([
      "<!-- gastown:status -->",
      "Polecat **furiosa** escalated as #2, mentioning @mayor.",
      `<!-- gastown:exit ${(await town.bead()).id}@1 -->`,
    ]);
    expect([...town.town.issue(1).labels].sort()).toEqual(["gt:escalated", "status::blocked"]);
  });
});

describe("a slot freed", () => {
  it("POLECAT_DONE hooks the waiting sling of highest priority, then oldest, in the write that records the exit, and dispatches it", async () => {
    const town = await startPolecatTown({ command: `${AGENTS}/blocked.sh`, polecat: "limits:\n  max_polecats: 1\n" });
    polecat = town;
    const github = town.town;
    // Issue 2 waits first; issue 3, slung later, is more urgent.
    await github.as("ann", "POST", "/repos/octo/town/issues", { title: "Paint the pumps" });
    await github.as("mayor", "POST", "/repos/octo/town/issues/2/labels", { labels: ["gt:sling/two-steps"] });
    await github.deliver();
    await github.as("ann", "POST", "/repos/octo/town/issues", { title: "Stop the flood", labels: ["priority::high"] });
    await github.as("mayor", "POST", "/repos/octo/town/issues/3/labels", { labels: ["gt:sling/two-steps"] });
    await github.deliver();
    expect(town.runs()).toHaveLength(1);
    expect(github.issue(3).labels).toEqual(["priority::high", "gt:sling/two-steps", "gt:waiting"]);
    const waiting = beadOf(await town.ledger(), 3);
    expect(gastownMetadata(waiting)).toHaveProperty("waiting_since");

    await town.runPolecat();
    const from = github.sent.length;
    await deliverMail(github);
    const [, second] = town.runs();
    expect(sentSince(town, from)).toEqual([
      ...LOOK,
      ...LEDGER_WRITE,
      "GET /repos/octo/town/issues/1/comments",
      "POST /repos/octo/town/issues/1/comments",
      "GET /repos/octo/town/issues/1",
      "GET /repos/octo/town/issues/1/comments",
      "PATCH /repos/octo/town/issues/comments/x",
      "POST /repos/octo/town/issues/1/labels",
      "DELETE /repos/octo/town/issues/1/labels/status%3A%3Ahooked",
      "DELETE /repos/octo/town/issues/1/labels/gt%3Asling%2Ftwo-steps",
      ...LEDGER_WRITE,
      "POST /repos/octo/town/actions/workflows/gastown-polecat.yml/dispatches",
      "GET /repos/octo/town/issues/3",
      "GET /repos/octo/town/issues/3/comments",
      "PATCH /repos/octo/town/issues/comments/x",
      "POST /repos/octo/town/issues/3/labels",
      "DELETE /repos/octo/town/issues/3/labels/gt%3Awaiting",
    ]);
    expect(second?.inputs).toMatchObject({ bead: waiting.id, attempt: "1", polecat: gastownMetadata(waiting).polecat });

    const ledger = await town.ledger();
    const hooked = beadOf(ledger, 3);
    expect(hooked).toEqual({
      ...waiting,
      status: "hooked", assignee: `polecat/${gastownMetadata(waiting).polecat as string}`, updated_at: "2026-11-24T12:00:00Z",
      metadata: {
        gastown: {
          ...omit(gastownMetadata(waiting), "waiting_since"),
          attempt: 1, dispatched_at: "2026-11-24T12:00:00Z", limits_hash: gastownMetadata(await town.bead()).limits_hash,
        },
      },
    });
    expect(gastownMetadata(beadOf(ledger, 2))).toHaveProperty("waiting_since");
    expect(beadOf(ledger, 2).status).toBe("open");
    // One write recorded the exit and hooked the next: no other can have taken the slot between.
    const log = await github.github.git(REPO).git(["log", "-2", "--format=%s", "refs/heads/gastown/ledger"]);
    expect(log.trim().split("\n")[0]).toBe(
      `Record that ${(await town.bead()).id}'s attempt 1 (BLOCKED) is published; hook ${waiting.id} to polecat ${gastownMetadata(waiting).polecat as string}, attempt 1`,
    );
    expect([...github.issue(3).labels].sort()).toEqual(["gt:sling/two-steps", "priority::high", "status::hooked"]);
    expect(github.issue(2).labels).toEqual(["gt:sling/two-steps", "gt:waiting"]);
    expect(commentsOn(github, 3)[0]?.body).toContain(
      `A polecat came free: slung by @mayor to polecat **${gastownMetadata(waiting).polecat as string}** (attempt 1). It is on its way.`,
    );

    // The same mail again: published already, so nothing is hooked twice.
    expect(await ring(town, "mayor", { type: "POLECAT_DONE", bead: (await town.bead()).id })).toEqual(LOOK);
    expect(town.runs()).toHaveLength(2);
  });
});

function beadOf(ledger: Awaited<ReturnType<PolecatTown["ledger"]>>, issue: number): Bead {
  const found = ledger.beads().find((b) => b.external_ref?.endsWith(`/issues/${issue}`));
  if (!found) throw new Error(`no bead for issue ${issue}`);
  return found;
}

function omit(record: Readonly<Record<string, unknown>>, key: string): Record<string, unknown> {
  const { [key]: _omitted, ...rest } = record;
  return rest;
}

const LOOK = [
  "GET /repos/octo/town/contents/.github%2Fgastown.yml",
  "GET /repos/octo/town/git/ref/heads%2Fgastown%2Fledger",
  "GET /repos/octo/town/git/commits/x",
  "GET /repos/octo/town/git/trees/x",
  "GET /repos/octo/town/git/blobs/x",
];
const LEDGER_WRITE = ["POST /repos/octo/town/git/trees", "POST /repos/octo/town/git/commits", "PATCH /repos/octo/town/git/refs/heads%2Fgastown%2Fledger"];
