// What the refinery says: the refinery pull request's title and body, the comment a pull request
// gets when it leaves the queue, the evidence a failing pull request goes back with, and the
// `merge` digest of one that landed. Pull request titles and CI output are written by others
// (an agent, a fork, a test's output), so they are shown with mentions neutralised, and output
// only fenced.
import type { Bead } from "../ledger/bead-schema.js";
import type { Digest } from "../molecules/digest.js";
import { digestId } from "../molecules/digest.js";
import { timestamp } from "../molecules/pour.js";
import { fenced, withoutMentions } from "./fenced-text.js";
import { pullTitleOf, type MergeRequest } from "./merge-queue.js";
import type { TestedRun, TrialState } from "./refinery.js";
import { batchDiagram, bisectionDiagram, numbers, type RunNow } from "./refinery-diagram.js";
import type { RedGate } from "./staging-verdict.js";
import { sanitizeUntrusted } from "./untrusted-text.js";

/** The marker a refinery pull request's body starts with. */
export const REFINERY_MARKER = "<!-- gastown:refinery -->";

/** A pull request of the batch, as the refinery pull request lists it. */
export interface BatchLine {
  readonly request: MergeRequest;
  /** The merge request bead's title: `Merge #N: <title>`. */
  readonly title: string;
}

/** One line of running text from someone else's words: no mentions, no table breaks, no markup. */
function plain(text: string): string {
  return withoutMentions(sanitizeUntrusted(text)).replace(/[\r\n]+/g, " ").replace(/\|/g, "\\|").trim();
}

export function refineryPullTitle(base: string, lines: readonly BatchLine[]): string {
  return `Refinery: land ${lines.map((line) => `#${line.request.number}`).join(", ")} into ${base}`.slice(0, 250);
}

/** How a refinery pull request says where its batch stands, where a reviewer looks first. */
export const TESTING_HEADLINE = "**Testing.**";
export const GREEN_HEADLINE = "**Green: ready for review.**";

export type RefineryPullState =
  | { readonly kind: "testing" }
  | { readonly kind: "green" }
  | { readonly kind: "waiting"; readonly why: string };

/**
 * The refinery pull request's body: where the batch stands, its pull requests in a table and in a
 * picture, its gates, and after a red run the runs since the batch was taken from the queue
 * (`tested`, the slot's record), in a list and in a picture.
 */
export function refineryPullBody(input: {
  readonly base: string; readonly trial: TrialState; readonly lines: readonly BatchLine[]; readonly state: RefineryPullState; readonly gates: string;
  readonly tested: readonly TestedRun[];
}): string {
  const { base, trial, lines, state } = input;
  const rows = lines.map((line) => {
    const { request } = line;
    return `| #${request.number} | ${request.bead === undefined ? "—" : `\`${request.bead}\``} | ${plain(pullTitleOf(line.title))} | \`${request.headSha.slice(0, 12)}\` |`;
  });
  const now = state.kind === "testing" ? `${TESTING_HEADLINE} The gates are running on this branch's tip; nothing to review yet.`
    : state.kind === "green" ? `${GREEN_HEADLINE} Approve this pull request to land the batch.`
    : `**Waiting:** ${state.why}`;
  return [
    REFINERY_MARKER,
    `The merge queue's batch ${trial.attempt} into \`${base}\`: the base at \`${trial.baseSha.slice(0, 12)}\` with one merge commit per pull request below, exactly the tree that lands.`,
    "",
    now,
    "",
    "| Pull request | Bead | Title | Head |",
    "| --- | --- | --- | --- |",
    ...rows,
    "",
    batchDiagram({
      base, baseSha: trial.baseSha, attempt: trial.attempt, standing: state.kind,
      entries: lines.map((line) => ({ number: line.request.number, title: pullTitleOf(line.title) })),
    }),
    "",
    `Gates: ${input.gates}.`,
    "",
    ...runsSoFar(input.tested, { attempt: trial.attempt, prs: lines.map((line) => line.request.number), standing: state.kind }),
    "Once it is approved and green the refinery merges it with a merge commit, so each pull request above shows as merged. " +
      "Closing it unmerged takes its pull requests out of the queue; `/queue` on one puts it back.",
  ].join("\n");
}

/** After a red run of the batch: its runs so far, listed and drawn; nothing before. */
function runsSoFar(tested: readonly TestedRun[], now: RunNow): string[] {
  const picture = bisectionDiagram(tested, now);
  if (picture === undefined) return [];
  const earlier = tested.filter((run) => run.attempt !== now.attempt);
  return [
    "A run of this batch was red, so the refinery tests it in parts until it finds the pull request that broke it " +
      "(a part that is green lands; a red part is split again). The runs so far:",
    "",
    ...earlier.map((run) => `- Batch ${run.attempt} ${numbers(run.prs)}: ${run.verdict}`),
    `- Batch ${now.attempt} ${numbers(now.prs)}: this one`,
    "",
    picture,
    "",
  ];
}

/** The gates a batch must pass, as said on its pull request and in comments. */
export function gatesText(input: { readonly checks: boolean; readonly required: readonly string[]; readonly commands: readonly string[]; readonly workflow: string }): string {
  const parts: string[] = [];
  if (input.checks) {
    parts.push(input.required.length > 0 ? `the required checks ${input.required.map((name) => `\`${name}\``).join(", ")}` : "every check reported on the staging commit");
  }
  if (input.commands.length > 0) parts.push(`the commands ${input.commands.map((command) => `\`${command.replace(/`/g, "'")}\``).join(", ")} in \`${input.workflow}\``);
  return parts.join(" and ");
}

/** How many lines of a failing gate's log go back with the evidence. */
export const EVIDENCE_LOG_LINES = 60;

/** What failed, for the pull request's comment and a polecat's `failure_summary`. */
export function failureEvidence(input: { readonly red: readonly RedGate[]; readonly stagingSha: string; readonly log?: string }): string {
  const gates = input.red.map((gate) => `- \`${plain(gate.name)}\`${gate.summary ? `: ${plain(gate.summary)}` : ""}${gate.url ? ` (${gate.url})` : ""}`);
  const tail = input.log === undefined ? [] : ["", "The end of the failing log:", "", fenced(logTail(input.log))];
  return [`Red on the staging commit \`${input.stagingSha.slice(0, 12)}\` (the base with this pull request merged in):`, ...gates, ...tail].join("\n");
}

/** The last lines of a log, with markup and hidden characters gone. */
export function logTail(log: string): string {
  const lines = sanitizeUntrusted(log).replace(/\r/g, "").trimEnd().split("\n");
  return lines.slice(-EVIDENCE_LOG_LINES).join("\n");
}

/**
 * Evidence as a formula var: the formula fences it as data, so lines that would end or open a
 * fence are taken out (an excerpt cannot break out of its fence into the step's instructions).
 */
export function failureSummaryVar(evidence: string): string {
  return sanitizeUntrusted(evidence).split("\n").filter((line) => !/^\s*(?:`{3,}|~{3,})/.test(line)).join("\n");
}

/** Starts the comment on a pull request ejected from the queue, one ejection's: a send-back finished later finds it said. */
export function ejectedMarker(mergeRequest: string, ejectedAt: string): string {
  return `<!-- gastown:ejected ${mergeRequest}@${ejectedAt} -->`;
}

/** The comment on a pull request the queue let go of, saying why and what now. */
export function ejectedComment(input: { readonly marker: string; readonly number: number; readonly why: string; readonly evidence: string; readonly next: string }): string {
  return [input.marker, `#${input.number} is out of the merge queue: ${input.why}.`, "", input.evidence, "", input.next].join("\n");
}

/** The `merge` digest of a pull request the refinery landed. */
export function mergeDigest(input: { readonly request: MergeRequest; readonly work?: Bead; readonly mergedAt: Date; readonly where: string }): Digest {
  const { request, work } = input;
  const at = timestamp(input.mergedAt);
  return {
    id: digestId("merge", { repo: request.repo, pr: request.number }), kind: "merge",
    molecule: null, formula: null, bead: work?.id ?? request.bead ?? null, agent: request.polecat ?? null, rig: request.repo,
    started_at: request.queuedAt < at ? request.queuedAt : at, finished_at: at, exit: "MERGED",
    steps_total: 0, steps_done: 0, attempts: request.tries + 1, commits: null, files_changed: null, lines_added: null, lines_removed: null,
    pr: request.number, merged_at: at, cost_usd: null, turns: null,
    summary: `#${request.number} landed in ${input.where} after ${request.tries} failed batch${request.tries === 1 ? "" : "es"}.`,
  };
}
