// Where a pull request stands in the merge queue, as its `gastown/queue` check run shows it (issue
// 17): one place on the pull request, edited in place, from queued to landed or out. Pure: the
// check run's status, conclusion and output for a state; app/github/queue-check-run.ts shows it.
//   - queued, testing, awaiting review: in progress, so the pull request shows it is on its way
//   - landed: success; ejected: failure (what failed, with its evidence)
//   - dequeued, closed: neutral, so a check left on an old head never blocks anything
import type { Ledger } from "../ledger/ledger.js";
import { mergeRequestFor, queuePosition } from "./merge-queue.js";

/** A pull request the refinery opened from a staging branch to the base. */
export interface RefineryPull {
  readonly number: number;
  readonly url: string;
}

export type QueueDisplay =
  /** Waiting its turn: `position` of `of` into `base`, after `tries` failed batches. */
  | { readonly kind: "queued"; readonly base: string; readonly position: number; readonly of: number; readonly tries: number; readonly stalled?: string }
  /** In a batch under test: attempt `attempt` on staging branch `staging`. */
  | { readonly kind: "testing"; readonly base: string; readonly attempt: number; readonly staging: string; readonly refineryPull?: RefineryPull }
  /** Its batch is green; the refinery pull request waits for a person's approval. */
  | { readonly kind: "awaiting-review"; readonly base: string; readonly refineryPull: RefineryPull }
  /** In `base` as (part of) `commit`. */
  | { readonly kind: "landed"; readonly base: string; readonly commit: string; readonly refineryPull?: RefineryPull }
  /** Taken out by the refinery: `why` in its own words, `evidence` already fenced (agent or CI text). */
  | { readonly kind: "ejected"; readonly why: string; readonly evidence?: string }
  /** Taken out with `/dequeue` by `by`. */
  | { readonly kind: "dequeued"; readonly by: string }
  /** Closed, or merged, by `by` outside the refinery. */
  | { readonly kind: "closed"; readonly merged: boolean; readonly by: string };

export type QueuedDisplay = Extract<QueueDisplay, { readonly kind: "queued" }>;

export interface QueueCheck {
  readonly status: "in_progress" | "completed";
  /** Set exactly when the status is `completed`. */
  readonly conclusion?: "success" | "failure" | "neutral";
  readonly title: string;
  readonly summary: string;
}

export const QUEUE_CHECK_NAME = "gastown/queue";

/** A queued pull request's place as the ledger has it, and the head it was queued at; undefined when it is not queued. */
export function queuedDisplay(ledger: Ledger, repo: string, number: number): { readonly display: QueuedDisplay; readonly headSha: string } | undefined {
  const place = queuePosition(ledger, repo, number);
  const request = mergeRequestFor(ledger, repo, number);
  if (place === undefined || request === undefined) return undefined;
  return { headSha: request.headSha, display: { kind: "queued", base: request.base, position: place.position, of: place.of, tries: request.tries } };
}

export function queueCheck(display: QueueDisplay): QueueCheck {
  switch (display.kind) {
    case "queued": {
      const tries = display.tries === 0 ? "No batch has failed with it yet."
        : `It has failed in ${display.tries} batch${display.tries === 1 ? "" : "es"}, so it waits behind those that have not.`;
      const stalled = display.stalled === undefined ? "" : ` Its last batch was given up: ${display.stalled}.`;
      return inProgress(`Queued: ${display.position} of ${display.of} into ${display.base}`,
        `Number ${display.position} of ${display.of} in the merge queue into \`${display.base}\`. ${tries}${stalled}`);
    }
    case "testing": {
      const pull = display.refineryPull === undefined ? "" : `, as refinery pull request ${link(display.refineryPull)}`;
      return inProgress(`Testing: batch attempt ${display.attempt} into ${display.base}`,
        `Being tested with its batch in attempt ${display.attempt} on the staging branch \`${display.staging}\`${pull}. ` +
          "What is tested there is the tree that lands.");
    }
    case "awaiting-review":
      return inProgress(`Green: refinery PR #${display.refineryPull.number} awaits approval`,
        `Its batch passed. Refinery pull request ${link(display.refineryPull)} into \`${display.base}\` awaits a reviewer's approval; once approved it lands.`);
    case "landed": {
      const pull = display.refineryPull === undefined ? "" : `, through refinery pull request ${link(display.refineryPull)}`;
      return completed("success", `Landed in ${display.base}`,
        `Landed in \`${display.base}\` as commit \`${display.commit.slice(0, 12)}\`${pull}.`);
    }
    case "ejected":
      return completed("failure", `Left the queue: ${firstLine(display.why)}`,
        [`The refinery took it out of the merge queue: ${display.why}`, ...(display.evidence === undefined ? [] : ["", display.evidence])].join("\n"));
    case "dequeued":
      return completed("neutral", `Dequeued by ${display.by}`,
        `Taken out of the merge queue by \`${display.by}\`. \`/queue\` puts it back.`);
    case "closed":
      return display.merged
        ? completed("neutral", `Merged by ${display.by}, outside the queue`,
          `Merged by \`${display.by}\` outside the refinery, so it left the merge queue.`)
        : completed("neutral", `Closed by ${display.by}, out of the queue`,
          `Closed by \`${display.by}\`, so it left the merge queue. Reopening it does not queue it again: \`/queue\` does.`);
  }
}

function inProgress(title: string, summary: string): QueueCheck {
  return { status: "in_progress", title, summary };
}

function completed(conclusion: NonNullable<QueueCheck["conclusion"]>, title: string, summary: string): QueueCheck {
  return { status: "completed", conclusion, title, summary };
}

function link(pull: RefineryPull): string {
  return `[#${pull.number}](${pull.url})`;
}

function firstLine(text: string): string {
  return text.split("\n", 1)[0] as string;
}
