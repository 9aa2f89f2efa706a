// What the publisher decides from a bead alone: whether there is an exit to publish, the labels
// after it, the record of what was published, agent-written text made harmless, and a weakened
// sandbox said on every text of an exit.
import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../app/config/config-schema.js";
import type { Bead } from "../../app/ledger/bead-schema.js";
import { Ledger } from "../../app/ledger/ledger.js";
import { gastownMetadata } from "../../app/molecules/gastown-metadata.js";
import { agentText, withoutMentions } from "../../app/town/fenced-text.js";
import { recordPolecatExit } from "../../app/town/polecat-exit.js";
import { escalationIssue, exitComment, pullRequestText, unpublishedComment } from "../../app/town/exit-texts.js";
import {
  claimPublishing, exitLabels, exitToPublish, holdsClaim, PUBLISH_CLAIM_MS, recordPublished, type ExitToPublish,
} from "../../app/town/publish-exit.js";
import { sling } from "../../app/town/sling.js";
import { claimedBy, NOW, slingInput } from "./town-builders.js";

/** A slung bead whose run (4242) claimed it and recorded `exit`. */
function ended(exit: "BLOCKED" | "REFACTOR" | "ESCALATE" | "COMPLETED" = "BLOCKED", claimed = true) {
  const slung = sling(Ledger.empty(), slingInput());
  if (slung.outcome.kind !== "dispatch") throw new Error("setup");
  const { assignment } = slung.outcome;
  const ledger = claimed ? claimedBy(slung.ledger, assignment, 4242) : slung.ledger;
  const context = { bead: assignment.bead, molecule: assignment.molecule, polecat: assignment.polecat, rig: "octo/town", turns: 0, costUsd: 0 };
  const recorded = exit === "COMPLETED" ? ledger : recordPolecatExit(ledger, { exit, reason: "Needs @mayor's call", workTip: "a".repeat(40), at: NOW }, context).ledger;
  return { ledger: recorded, id: assignment.bead, hooked: ledger };
}

function publishable(bead: Bead | undefined): ExitToPublish {
  const decision = exitToPublish(bead);
  if (decision.kind !== "publish") throw new Error(decision.why);
  return decision.exit;
}

describe("an exit to publish", () => {
  it("is the bead's recorded exit for its attempt, by the run that claimed it, with where its work is", () => {
    const { ledger, id } = ended();
    expect(publishable(ledger.get(id))).toMatchObject({
      exit: "BLOCKED", reason: "Needs @mayor's call", attempt: 1, runId: 4242, polecat: "furiosa", issue: 7,
      branch: `polecat/furiosa/${id}`, workRef: `gastown/work/furiosa/${id}`,
    });
  });

  it("is nothing for a bead still at work, one no run claimed, or one already published", () => {
    const { ledger, id, hooked } = ended();
    expect(exitToPublish(hooked.get(id))).toEqual({ kind: "nothing", why: `${id} records no exit` });
    const unclaimed = ended("BLOCKED", false);
    expect(exitToPublish(unclaimed.ledger.get(unclaimed.id))).toEqual({ kind: "nothing", why: `no run claimed attempt 1 of ${unclaimed.id}` });
    const published = recordPublished(ledger, id, 1);
    expect(exitToPublish(published.get(id))).toEqual({ kind: "nothing", why: `attempt 1 of ${id} is published` });
    expect(exitToPublish(undefined)).toEqual({ kind: "nothing", why: "the ledger has no such bead" });
  });

  it("records what was published for that attempt only, and only once", () => {
    const { ledger, id } = ended();
    const published = recordPublished(ledger, id, 1, 9);
    expect(gastownMetadata(published.get(id) as Bead)).toMatchObject({ published_attempt: 1, pr: 9 });
    expect(recordPublished(published, id, 1, 9)).toBe(published);
    // An attempt the bead no longer records (a newer one ended since) is left alone.
    expect(recordPublished(ledger, id, 2)).toBe(ledger);
  });
});

describe("a look's claim on publishing", () => {
  const later = (ms: number) => new Date(NOW.getTime() + ms);

  it("is taken by the first look; another within PUBLISH_CLAIM_MS is held off, one after it takes over", () => {
    const { ledger, id } = ended();
    const first = claimPublishing(ledger, id, 1, { id: "one", now: NOW });
    expect(gastownMetadata(first.get(id) as Bead).publishing).toEqual({ attempt: 1, by: "one", at: "2026-11-24T12:00:00Z" });
    expect(holdsClaim(first.get(id), "one")).toBe(true);
    expect(claimPublishing(first, id, 1, { id: "one", now: NOW })).toBe(first);
    expect(claimPublishing(first, id, 1, { id: "two", now: later(PUBLISH_CLAIM_MS - 1000) })).toBe(first);
    expect(holdsClaim(claimPublishing(first, id, 1, { id: "two", now: later(PUBLISH_CLAIM_MS) }).get(id), "two")).toBe(true);
  });

  it("is not taken for an exit published, or for an attempt the bead does not record", () => {
    const { ledger, id } = ended();
    expect(claimPublishing(ledger, id, 2, { id: "one", now: NOW })).toBe(ledger);
    const published = recordPublished(claimPublishing(ledger, id, 1, { id: "one", now: NOW }), id, 1);
    expect(gastownMetadata(published.get(id) as Bead)).not.toHaveProperty("publishing");
    expect(claimPublishing(published, id, 1, { id: "two", now: NOW })).toBe(published);
  });
});

describe("the labels after an exit", () => {
  const labels = ["gt:sling/work", "status::hooked", "bug"];

  it("keeps the sling label for COMPLETED, whose pull request is open", () => {
    expect(exitLabels("COMPLETED", labels, "gt:sling")).toEqual({ add: ["status::in_progress"], remove: ["status::hooked"] });
  });

  it("takes the sling label off after the other exits, the status following the bead", () => {
    expect(exitLabels("BLOCKED", labels, "gt:sling")).toEqual({ add: ["status::blocked"], remove: ["status::hooked", "gt:sling/work"] });
    expect(exitLabels("REFACTOR", labels, "gt:sling")).toEqual({ add: ["status::deferred"], remove: ["status::hooked", "gt:sling/work"] });
    expect(exitLabels("ESCALATE", labels, "gt:sling")).toEqual({ add: ["status::open", "gt:escalated"], remove: ["status::hooked", "gt:sling/work"] });
  });

  it("changes nothing already as wanted", () => {
    expect(exitLabels("BLOCKED", ["status::blocked", "bug"], "gt:sling")).toEqual({ add: [], remove: [] });
  });
});

describe("agent-written text", () => {
  it("is fenced, with mentions that ping no one", () => {
    expect(withoutMentions("ask @mayor and @octo/team, not mail@example.com")).toBe("ask @\u200bmayor and @\u200bocto/team, not mail@example.com");
    expect(agentText("/sling now, @mayor\n```\nout")).toBe("````text\n/sling now, @\u200bmayor\n```\nout\n````");
  });

  it("reaches the escalation issue fenced, beside the mention of whoever slung the work", () => {
    const { ledger, id } = ended("ESCALATE");
    const issue = escalationIssue(publishable(ledger.get(id)), defaultConfig().polecat);
    expect(issue.title).toBe("Escalation: #7 needs a person");
    expect(issue.labels).toEqual(["gt:escalated"]);
    expect(issue.body.split("\n").slice(0, 5)).toEqual([
      `@mayor: polecat **furiosa** escalated #7 (bead \`${id}\`, attempt 1): it needs a person.`,
      "", "```text", "Needs @\u200bmayor's call", "```",
    ]);
  });
});

describe("the texts of an exit", () => {
  const { network } = defaultConfig().polecat;
  const SANDBOX_OFF = "⚠️ **Sandbox off**: the agent runs unisolated, with the model's key and the runner's network (`polecat.sandbox: off`).";
  const NETWORK_OPEN = "⚠️ **Network open**: the agent can reach any public host (`polecat.network: open`).";

  it("say, after their first line, when the sandbox was off or the network open", () => {
    const blocked = ended("BLOCKED");
    const exit = publishable(blocked.ledger.get(blocked.id));
    const id = blocked.id;
    expect(exitComment(blocked.ledger, exit, { sandbox: "off", network })).toBe([
      `<!-- gastown:exit ${id}@1 -->`,
      `Polecat **furiosa** ended attempt 1 of \`${id}\` as **BLOCKED**: the work waits until what blocks it is done, then a person slings it again.`,
      "",
      SANDBOX_OFF,
      "",
      "```text", "Needs @\u200bmayor's call", "```",
      "",
    ].join("\n"));
    const refactor = ended("REFACTOR");
    expect(exitComment(refactor.ledger, publishable(refactor.ledger.get(refactor.id)), { sandbox: "on", network: "open" })?.split("\n").slice(1, 5)).toEqual([
      `Polecat **furiosa** ended attempt 1 of \`${refactor.id}\` as **REFACTOR**: the work is deferred, split into smaller beads.`,
      "", NETWORK_OPEN, "",
    ]);
    const escalated = ended("ESCALATE");
    expect(escalationIssue(publishable(escalated.ledger.get(escalated.id)), { sandbox: "on", network: "open" }).body.split("\n").slice(0, 4)).toEqual([
      `@mayor: polecat **furiosa** escalated #7 (bead \`${escalated.id}\`, attempt 1): it needs a person.`,
      "", NETWORK_OPEN, "",
    ]);
    const completed = { ...exit, exit: "COMPLETED" as const };
    expect(pullRequestText(blocked.ledger, completed, "https://github.com/octo/town/actions/runs/4242", { sandbox: "off", network: "open" }).body.split("\n").slice(0, 6)).toEqual([
      `Polecat **furiosa** finished \`${id}\` (attempt 1).`,
      "", SANDBOX_OFF, "",
      "**Summary**", "",
    ]);
    expect(unpublishedComment(completed, "the branch moved", { sandbox: "off", network }).split("\n").slice(1, 5)).toEqual([
      `Polecat **furiosa** ended attempt 1 of \`${id}\` as **COMPLETED**, but its work cannot be published: the branch moved.`,
      "", SANDBOX_OFF, "",
    ]);
  });

  it("say nothing of the sandbox when it is whole", () => {
    const { ledger, id } = ended("BLOCKED");
    const exit = publishable(ledger.get(id));
    const whole = defaultConfig().polecat;
    const texts = [
      exitComment(ledger, exit, whole), escalationIssue(exit, whole).body, unpublishedComment(exit, "no", whole),
      pullRequestText(ledger, { ...exit, exit: "COMPLETED" }, "https://github.com/octo/town/actions/runs/4242", whole).body,
    ];
    expect(texts.filter((text) => text?.includes("⚠️"))).toEqual([]);
  });
});
