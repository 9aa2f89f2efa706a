// The `gastown/queue` check run for each state of a pull request in the merge queue: in progress
// while it is on its way, success when landed, failure when ejected, neutral when it left
// otherwise (so an old check blocks nothing); and the queued state read from the ledger.
import { describe, expect, it } from "vitest";
import { Ledger } from "../../app/ledger/ledger.js";
import { leaveQueue, queuePull, recordTry, type QueuedPull } from "../../app/town/merge-queue.js";
import { queueCheck, queuedDisplay } from "../../app/town/queue-display.js";
import { NOW } from "./town-builders.js";

const refineryPull = { number: 12, url: "https://github.com/octo/town/pull/12" };

describe("queueCheck", () => {
  it("shows a queued pull request's place and its failed batches, in progress", () => {
    expect(queueCheck({ kind: "queued", base: "main", position: 2, of: 5, tries: 0 })).toEqual({
      status: "in_progress", title: "Queued: 2 of 5 into main",
      summary: "Number 2 of 5 in the merge queue into `main`. No batch has failed with it yet.",
    });
    expect(queueCheck({ kind: "queued", base: "release/1.x", position: 1, of: 1, tries: 1 }).summary).toBe(
      "Number 1 of 1 in the merge queue into `release/1.x`. It has failed in 1 batch, so it waits behind those that have not.",
    );
    expect(queueCheck({ kind: "queued", base: "main", position: 3, of: 3, tries: 2 }).summary).toContain("It has failed in 2 batches,");
  });

  it("shows a batch under test, with its staging branch and refinery pull request when there is one", () => {
    expect(queueCheck({ kind: "testing", base: "main", attempt: 3, staging: "gastown-refinery/main/3" })).toEqual({
      status: "in_progress", title: "Testing: batch attempt 3 into main",
      summary: "Being tested with its batch in attempt 3 on the staging branch `gastown-refinery/main/3`. What is tested there is the tree that lands.",
    });
    expect(queueCheck({ kind: "testing", base: "main", attempt: 3, staging: "gastown-refinery/main/3", refineryPull }).summary).toBe(
      "Being tested with its batch in attempt 3 on the staging branch `gastown-refinery/main/3`, as refinery pull request " +
        "[#12](https://github.com/octo/town/pull/12). What is tested there is the tree that lands.",
    );
  });

  it("shows a green batch waiting for a reviewer, still in progress", () => {
    expect(queueCheck({ kind: "awaiting-review", base: "main", refineryPull })).toEqual({
      status: "in_progress", title: "Green: refinery PR #12 awaits approval",
      summary: "Its batch passed. Refinery pull request [#12](https://github.com/octo/town/pull/12) into `main` awaits a reviewer's approval; once approved it lands.",
    });
  });

  it("shows where it landed as success", () => {
    expect(queueCheck({ kind: "landed", base: "main", commit: "0123456789abcdef0123456789abcdef01234567", refineryPull })).toEqual({
      status: "completed", conclusion: "success", title: "Landed in main",
      summary: "Landed in `main` as commit `0123456789ab`, through refinery pull request [#12](https://github.com/octo/town/pull/12).",
    });
    expect(queueCheck({ kind: "landed", base: "main", commit: "0123456789abcdef0123456789abcdef01234567" }).summary).toBe(
      "Landed in `main` as commit `0123456789ab`.",
    );
  });

  it("shows an ejection as failure, its evidence as given (fenced by the caller)", () => {
    const evidence = "```text\nFAIL test/pumps.test.ts\n```";
    expect(queueCheck({ kind: "ejected", why: "the gate `npm test` failed on it alone\nafter bisection", evidence })).toEqual({
      status: "completed", conclusion: "failure", title: "Left the queue: the gate `npm test` failed on it alone",
      summary: `The refinery took it out of the merge queue: the gate \`npm test\` failed on it alone\nafter bisection\n\n${evidence}`,
    });
    expect(queueCheck({ kind: "ejected", why: "it no longer merges into main" }).summary).toBe(
      "The refinery took it out of the merge queue: it no longer merges into main",
    );
  });

  it("shows a pull request taken out, closed or merged by hand as neutral, so it blocks nothing", () => {
    expect(queueCheck({ kind: "dequeued", by: "ann" })).toEqual({
      status: "completed", conclusion: "neutral", title: "Dequeued by ann", summary: "Taken out of the merge queue by `ann`. `/queue` puts it back.",
    });
    expect(queueCheck({ kind: "closed", merged: false, by: "ann" })).toEqual({
      status: "completed", conclusion: "neutral", title: "Closed by ann, out of the queue",
      summary: "Closed by `ann`, so it left the merge queue. Reopening it does not queue it again: `/queue` does.",
    });
    expect(queueCheck({ kind: "closed", merged: true, by: "mayor" })).toEqual({
      status: "completed", conclusion: "neutral", title: "Merged by mayor, outside the queue",
      summary: "Merged by `mayor` outside the refinery, so it left the merge queue.",
    });
  });
});

describe("queuedDisplay", () => {
  const pull = (number: number): QueuedPull => ({
    repo: "octo/town", number, title: `Fix pump ${number}`, head: `fix/${number}`, headSha: `${number}`.padStart(40, "c"), base: "main",
  });
  const by = { by: "mayor", now: NOW, prefix: "gt" };

  it("reads a queued pull request's place, tries and head from the ledger; nothing for one not queued", () => {
    let ledger = queuePull(Ledger.empty(), pull(7), by).ledger;
    ledger = queuePull(ledger, pull(8), by).ledger;
    const seven = ledger.beads().find((b) => b.external_ref === "gastown:queue/octo/town#7");
    ledger = recordTry(ledger, seven?.id ?? "", NOW);
    expect(queuedDisplay(ledger, "octo/town", 7)).toEqual({
      headSha: "7".padStart(40, "c"), display: { kind: "queued", base: "main", position: 2, of: 2, tries: 1 },
    });
    expect(queuedDisplay(ledger, "octo/town", 9)).toBeUndefined();
    ledger = leaveQueue(ledger, "octo/town", 7, { reason: "dequeued", why: "taken out by @ann", now: NOW });
    expect(queuedDisplay(ledger, "octo/town", 7)).toBeUndefined();
  });
});
