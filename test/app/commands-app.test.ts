// The slash commands besides /sling and /unsling, through the real App against the emulator:
// /gt help, /nudge, /escalate, /retry, /queue; each command's permission.
import { afterEach, describe, expect, it } from "vitest";
import type { Bead } from "../../app/ledger/bead-schema.js";
import { gastownMetadata } from "../../app/molecules/gastown-metadata.js";
import { helpText } from "../../app/town/help-text.js";
import { defaultConfig } from "../../app/config/config-schema.js";
import { call } from "../emulator/testing.js";
import { REPO, startTown, type Town, type TownOptions } from "./app-harness.js";

let town: Town;
afterEach(async () => {
  await town.close();
  expect(town.github.problems).toEqual([]);
});

async function start(options: TownOptions = {}): Promise<Town> {
  town = await startTown({ people: { mayor: "maintain", ann: "write", rita: "read" }, ...options });
  await town.as("ann", "POST", "/repos/octo/town/issues", { title: "Fix the pumps", body: "They leak." });
  await town.deliver();
  town.sent.length = 0;
  return town;
}

const comment = async (body: string, as = "mayor", issue = 1) => {
  const made = await town.as(as, "POST", `/repos/octo/town/issues/${issue}/comments`, { body }) as { id: number; html_url: string };
  await town.deliver();
  return made;
};
const replies = (issue = 1) => town.issue(issue).comments.filter((c) => c.user === "gastown[bot]" && !c.body.startsWith("<!-- gastown:status")).map((c) => c.body);
const runs = () => town.github.state.repos[REPO]?.runs ?? [];

async function slung(): Promise<Bead> {
  await comment("/sling");
  const ledger = await town.ledger();
  const bead = ledger?.beads().find((b) => b.title === "Fix the pumps");
  if (!bead) throw new Error("not slung");
  return bead;
}

describe("/gt help", () => {
  it("lists every command and who may use it, to anyone who can read", async () => {
    await start();
    await comment("/gt help", "rita");
    expect(replies()).toEqual([helpText(defaultConfig())]);
    expect(replies()[0]).toContain("| `/sling [formula] [--var k=v]...` | hook this issue to a polecat");
    expect(replies()[0]).toMatch(/\| `\/nudge <text>` \| .* \| write \|/);
    expect(replies()[0]).toMatch(/\| `\/peek \[n\]` \| .* \| read \|/);
  });
});

describe("/peek", () => {
  it("answers anyone who can read with the polecat's health, once however often it is asked", async () => {
    await start();
    await slung();
    await comment("/peek\n/peek 5", "rita");
    expect(replies()).toHaveLength(1);
    expect(replies()[0]).toMatch(/^### Gas Town · 🔭 Peek at polecat \*\*furiosa\*\*\n\n@rita: polecat \*\*furiosa\*\* is /);
  });

  it("says plainly when there is no polecat", async () => {
    await start();
    await comment("/peek");
    expect(replies()).toEqual([
      "@mayor: no polecat has worked on this issue; it has not been slung. Label it `gt:sling` or comment `/sling` to start one.\n",
    ]);
  });
});

describe("/nudge", () => {
  it("records a message bead addressed to the work bead, once per comment, and says so", async () => {
    await start();
    const bead = await slung();
    const made = await comment("/nudge Use the metric wrench, not the imperial one.");
    const ledger = await town.ledger();
    const messages = ledger?.beads().filter((b) => b.issue_type === "message") ?? [];
    expect(messages).toEqual([{
      id: messages[0]?.id,
      title: `Nudge for ${bead.id}: Use the metric wrench, not the imperial one.`,
      description: "Use the metric wrench, not the imperial one.",
      status: "open",
      priority: 2,
      issue_type: "message",
      created_at: "2026-11-24T12:00:00Z",
      created_by: "mayor",
      updated_at: "2026-11-24T12:00:00Z",
      assignee: bead.id,
      sender: "mayor",
      external_ref: made.html_url,
      labels: ["gt:nudge"],
      metadata: { gastown: { nudge: bead.id } },
    }]);
    expect(replies().at(-1)).toBe(
      `@mayor: nudge recorded as \`${messages[0]?.id}\`. Polecat **furiosa** reads it before its next step, and so does every later attempt.`,
    );
    // The same comment delivered again finds its message and answers nothing more.
    const delivery = town.github.deliveries.find((d) => (d.payload as { comment?: { id: number } }).comment?.id === made.id);
    const before = replies().length;
    await town.app().receive({ id: delivery?.id as string, name: "issue_comment" as never, payload: delivery?.payload as never });
    expect((await town.ledger())?.beads().filter((b) => b.issue_type === "message")).toHaveLength(1);
    expect(replies()).toHaveLength(before);
  });

  it("says there is no polecat on an issue never slung", async () => {
    await start();
    await comment("/nudge hello");
    expect(replies()).toEqual(["@mayor: this issue has never been slung, so there is no polecat to nudge."]);
  });

  it("says to try again when the sling label is on but its delivery has not been handled yet", async () => {
    await start();
    await town.as("mayor", "POST", "/repos/octo/town/issues/1/labels", { labels: ["gt:sling"] });
    await town.newDeliveries();
    await comment("/nudge hello");
    expect(replies()).toEqual(["@mayor: this issue's sling has not reached the ledger yet, so there is no polecat to nudge; try again in a moment."]);
  });
});

describe("/escalate", () => {
  it("opens an issue that mentions whoever slung the work, and labels both", async () => {
    await start();
    const bead = await slung();
    await comment("/escalate The pumps need a part we do not have.", "ann");
    const escalation = town.issue(2);
    const message = (await town.ledger())?.beads().find((b) => b.issue_type === "message");
    expect(escalation).toMatchObject({ title: "Escalation: #1 needs a person", user: "gastown[bot]", labels: ["gt:escalated"] });
    expect(escalation.body).toBe([
      `@mayor: @ann escalated #1 (bead \`${bead.id}\`, polecat **furiosa**):`,
      "",
      "```text",
      "The pumps need a part we do not have.",
      "```",
      "",
      "The work stays as it is; see its status on #1.",
      `<!-- gastown:escalation ${message?.id} -->`,
    ].join("\n"));
    expect(message).toMatchObject({ assignee: "overseer", sender: "ann", labels: ["gt:escalation"], metadata: { gastown: { escalation: bead.id, issue: 2 } } });
    expect(town.issue(1).labels).toContain("gt:escalated");
    expect(replies().at(-1)).toBe("@ann: escalated as #2, mentioning @mayor.");
  });
});

describe("/escalate, delivered again", () => {
  it("opens its issue once; after a crash before the issue, a later delivery opens it", async () => {
    await start();
    await slung();
    town.github.inject({ kind: "status", status: 500, operationId: "issues/create" });
    const made = await town.as("ann", "POST", "/repos/octo/town/issues/1/comments", { body: "/escalate Stuck on the valve." }) as { id: number };
    await expect(town.deliver()).rejects.toThrow();
    const delivery = town.github.deliveries.find((d) => (d.payload as { comment?: { id: number } }).comment?.id === made.id);
    const again = () => town.app().receive({ id: delivery?.id as string, name: "issue_comment" as never, payload: delivery?.payload as never });
    // Within the grace period the message may be another replica's, still opening its issue.
    await again();
    expect(town.github.state.repos[REPO]?.issues).toHaveLength(1);
    // Past it, no issue was recorded, so this delivery opens it; later ones find it recorded.
    town.clock.now = new Date(town.clock.now.getTime() + 3 * 60_000);
    await again();
    await again();
    expect(town.github.state.repos[REPO]?.issues.map((i) => i.title)).toEqual(["Fix the pumps", "Escalation: #1 needs a person"]);
  });
});

describe("/retry", () => {
  it("stops a live run and dispatches the next attempt at once", async () => {
    await start();
    const bead = await slung();
    const first = runs()[0];
    if (!first) throw new Error("no run");
    town.github.startJob(REPO, first.id, "polecat");
    await comment("/retry");
    expect(runs().map((r) => [r.inputs?.attempt, r.conclusion])).toEqual([["1", "cancelled"], ["2", null]]);
    const after = (await town.ledger())?.get(bead.id) as Bead;
    expect(gastownMetadata(after)).toMatchObject({ attempt: 2, polecat: "furiosa" });
    expect(gastownMetadata(after)).not.toHaveProperty("run_id");
    const status = town.issue(1).comments.find((c) => c.body.startsWith("<!-- gastown:status"));
    expect(status?.body).toContain("Retried by @mayor: the last attempt was stopped and this one started: polecat **furiosa**, attempt 2.");
  });

  it("says there is nothing to retry on an issue never slung", async () => {
    await start();
    await comment("/retry");
    expect(replies()).toEqual(["@mayor: this issue has never been slung, so there is nothing to retry; `/sling` it."]);
    expect(runs()).toHaveLength(0);
  });
});

describe("permissions and the rest", () => {
  it("refuses a whole comment when one of its commands needs more than the sender has", async () => {
    await start();
    await comment("/gt help\n/nudge psst", "rita");
    expect(replies()).toEqual([
      "@rita has read access to this repository; driving Gas Town here takes write (trust.permission in .github/gastown.yml), so nothing was done.",
    ]);
  });

  it("tells a bot it may not drive the town, rather than how to write the command", async () => {
    await start();
    const inputs = { bead: "x", molecule: "m", polecat: "p", attempt: "1", limits: "{}" };
    await town.as("mayor", "POST", "/repos/octo/town/actions/workflows/gastown-polecat.yml/dispatches", { ref: "main", inputs });
    await town.github.settled();
    const token = runs()[0]?.token as string;
    await call(town.github, "POST", "/repos/octo/town/issues/1/comments", { token, body: { body: "/sling --force" } });
    await town.deliver();
    expect(replies()).toEqual([
      "@github-actions[bot] is a bot; bots drive Gas Town only when listed in trust.allowed_bots, so nothing was done.",
    ]);
  });

  it("a /sling comment puts the sling label on, so taking it off unslings", async () => {
    await start();
    await slung();
    expect(town.issue(1).labels).toEqual(["status::hooked", "gt:sling"]);
  });

  it("answers /queue on an issue that it works on pull requests", async () => {
    await start();
    await comment("/queue");
    expect(replies()).toEqual(["@mayor: `/queue` works on pull requests; this is an issue."]);
  });
});
