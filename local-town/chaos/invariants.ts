// What a town must show once the faults stop and it has converged, checked over plain data: the
// ledger branch's history, the pull requests, each slung issue's outcome and GitHub's problems.
// Each answer is a sentence saying what broke; none means nothing was lost. Pure.
import { MERGE_REQUEST_TYPE } from "../../app/town/merge-queue.js";

export interface LedgerCommit {
  readonly sha: string;
  readonly subject: string;
  /** The ledger's read errors at this commit (`gt ledger validate`'s). */
  readonly problems: readonly string[];
  /** Each bead's status and type at this commit, by id. */
  readonly beads: Readonly<Record<string, { readonly status: string; readonly type: string }>>;
}

export interface PullSeen {
  readonly number: number;
  readonly headRef: string;
}

export interface IssueSeen {
  readonly number: number;
  /** merged: closed with its bead closed; escalated: labelled gt:escalated; open: neither yet. */
  readonly outcome: "merged" | "escalated" | "open";
}

export interface TownSeen {
  readonly slung: readonly IssueSeen[];
  readonly history: readonly LedgerCommit[];
  readonly pulls: readonly PullSeen[];
  /** The emulator's problems: requests outside GitHub's contract, unimplemented operations. */
  readonly githubProblems: readonly string[];
}

export function brokenInvariants(town: TownSeen): string[] {
  return [
    ...unfinishedIssues(town.slung),
    ...invalidLedgers(town.history),
    ...duplicatePulls(town.pulls),
    ...reopenedBeads(town.history),
    ...redoneSteps(town.history),
    ...town.githubProblems.map((problem) => `GitHub's problem: ${problem}`),
  ];
}

export function unfinishedIssues(slung: readonly IssueSeen[]): string[] {
  return slung.filter((issue) => issue.outcome === "open").map((issue) => `issue #${issue.number} neither merged nor escalated`);
}

/** The ledger valid at every commit: a bad write the next one hid is still a bad write. */
export function invalidLedgers(history: readonly LedgerCommit[]): string[] {
  const bad = history.find((commit) => commit.problems.length > 0);
  return bad === undefined ? [] : [`the ledger is invalid at ${bad.sha.slice(0, 7)} (${bad.subject}): ${bad.problems.join("; ")}`];
}

/** A polecat's pull request head is `polecat/<name>/<bead>`: one pull request per bead, ever. */
export function duplicatePulls(pulls: readonly PullSeen[]): string[] {
  const byBead = new Map<string, number[]>();
  for (const pull of pulls) {
    const parts = pull.headRef.split("/");
    if (parts[0] !== "polecat" || parts.length < 3) continue;
    const bead = parts.slice(2).join("/");
    byBead.set(bead, [...(byBead.get(bead) ?? []), pull.number]);
  }
  return [...byBead].filter(([, numbers]) => numbers.length > 1)
    .map(([bead, numbers]) => `${numbers.length} pull requests for ${bead}: ${numbers.map((n) => `#${n}`).join(", ")}`);
}

/**
 * A closed bead stays closed, from one commit of the ledger to the next (a bead gone is not
 * reopened). A merge request is the exception: a pull request sent back and queued again opens
 * its merge-request bead again, as merge-queue.ts's queuePull means to.
 */
export function reopenedBeads(history: readonly LedgerCommit[]): string[] {
  const broken: string[] = [];
  for (let i = 1; i < history.length; i++) {
    const before = history[i - 1] as LedgerCommit;
    const after = history[i] as LedgerCommit;
    for (const [id, bead] of Object.entries(after.beads)) {
      if (bead.type === MERGE_REQUEST_TYPE || before.beads[id]?.status !== "closed" || bead.status === "closed") continue;
      broken.push(`${id} reopened (${bead.status}) by ${after.sha.slice(0, 7)} (${after.subject})`);
    }
  }
  return broken;
}

/**
 * Each step is done once. The ledger's commit for a step done (`<bead>: step <id> done by polecat
 * <name>, attempt <n>`) closes that molecule's step bead; one that closes nothing says a step
 * done again, by a restarted attempt or a repeated write. A fix's molecule has steps of its own.
 */
export function redoneSteps(history: readonly LedgerCommit[]): string[] {
  const broken: string[] = [];
  for (let i = 1; i < history.length; i++) {
    const before = history[i - 1] as LedgerCommit;
    const after = history[i] as LedgerCommit;
    if (!STEP_DONE.test(after.subject)) continue;
    const closes = Object.entries(after.beads).some(([id, bead]) => bead.status === "closed" && before.beads[id]?.status !== "closed");
    if (!closes) broken.push(`${after.sha.slice(0, 7)} (${after.subject}) closes no step: the step was done before`);
  }
  return broken;
}

const STEP_DONE = /: step \S+ done by polecat /;
