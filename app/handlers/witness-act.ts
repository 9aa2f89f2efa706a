// The witness acting on what it decided (app/town/witness.ts), for an event's look at one bead
// or a patrol pass over many. The story, in the order that keeps anything from happening twice:
//   1. one compare-and-swap commit: every decision's ledger side that still applies (each only
//      while its bead shows the hook the look saw), the waiting slings hooked in the slots that
//      freed, a repaired exit's `work` digest and, for a pass, its `patrol` digest
//   2. only its writer acts on GitHub, per decision: a respawn's next attempt dispatched, then
//      the old run cancelled; a repaired exit published, as its mail would have had it; an
//      escalation shown on the issue to whoever slung it; a nudge shown on the status comment
//   3. the promoted waiting slings dispatched
// A decision that no longer applies (another look got there first) does nothing at all. A run
// that does not hold its bead's hook is cancelled without a commit.
import type { LedgerState } from "../github/ledger-store.js";
import { appendDigests } from "./ledger-digests.js";
import { replyToIssue } from "../github/issue-comments.js";
import { cancelRun } from "../github/polecat-runs.js";
import type { Bead } from "../ledger/bead-schema.js";
import type { Ledger } from "../ledger/ledger.js";
import type { Digest } from "../molecules/digest.js";
import { gastownString } from "../molecules/gastown-metadata.js";
import { patrolActionOf } from "../town/patrol.js";
import { issueNumberOf } from "../town/publish-exit.js";
import { slingLabelsOn } from "../town/sling-label.js";
import { ESCALATED_LABEL, HOOKED_LABEL } from "../town/state-labels.js";
import { promoteWaiting, type Promoted } from "../town/waiting.js";
import { witnessMutation, type WitnessDecision } from "../town/witness.js";
import { showStatus } from "./issue-status.js";
import { publishExit } from "./polecat-mail.js";
import type { TownEvent } from "./repository-town.js";
import { dispatchHooked, dispatchPromoted, issueOfBead } from "./sling-issue.js";

/** A decision whose ledger side was committed (or that needed none), and so was acted on. */
export type Acted = Exclude<WitnessDecision, { kind: "nothing" }>;
/** A decision with a ledger side. */
type Mutating = Exclude<Acted, { kind: "cancel-run" }>;

export interface WitnessActed {
  readonly acted: readonly Acted[];
  /** Waiting beads hooked in the slots that freed, and dispatched. */
  readonly promoted: readonly string[];
}

export interface ActOptions {
  /** The ledger as the looks read it, when the caller holds its commit: saves reading it again. */
  readonly from?: LedgerState;
  /** The pass's own digest, from what it did: written in the same commit when that commit is made. */
  readonly patrolDigest?: (acted: readonly Acted[], promoted: readonly string[], next: Ledger) => Digest;
  /** What the commit is, before the list of what it did. */
  readonly why: string;
}

export async function actOnWitness(town: TownEvent, decisions: readonly WitnessDecision[], options: ActOptions): Promise<WitnessActed> {
  const cancels = decisions.filter((d): d is Extract<WitnessDecision, { kind: "cancel-run" }> => d.kind === "cancel-run");
  const mutations = decisions.filter((d): d is Mutating => d.kind !== "nothing" && d.kind !== "cancel-run");
  const context = { now: town.deps.clock(), config: town.config, rig: `${town.owner}/${town.repo}` };

  // 1. The commit. The mutation may run again on a newer ledger; what it applied last is what the commit holds.
  let applied: Mutating[] = [];
  let digests: Digest[] = [];
  let promoted: NonNullable<Promoted["hooked"]>[] = [];
  const written = await town.store.update(
    () => commitMessage(options.why, applied, promoted),
    (ledger) => {
      applied = [];
      digests = [];
      promoted = [];
      let next = ledger;
      for (const decision of mutations) {
        const result = witnessMutation(next, decision, context);
        if (!result.applied) continue;
        applied.push(decision);
        next = result.ledger;
        if (result.digest) digests.push(result.digest);
      }
      for (;;) {
        const step = promoteWaiting(next, town.config, context.now);
        if (step.hooked === undefined) break;
        promoted.push(step.hooked);
        next = step.ledger;
      }
      return next;
    },
    {
      ...(options.from ? { from: options.from } : {}),
      files: async (state, next) => {
        const patrol = options.patrolDigest?.([...applied, ...cancels], promoted.map((p) => p.bead.id), next);
        return appendDigests(town.store, state, patrol ? [...digests, patrol] : digests);
      },
    },
  );
  if (!written.changed) applied = [];
  const state = written.state;

  // 2. The writer's effects, then the runs that hold no hook.
  for (const decision of applied) await actOn(town, decision, state);
  for (const decision of cancels) await cancelRun(town.github, { owner: town.owner, repo: town.repo, runId: decision.runId });
  // 3. The freed slots' polecats.
  for (const hooked of written.changed ? promoted : []) await dispatchPromoted(town, hooked, state);
  return { acted: [...applied, ...cancels], promoted: written.changed ? promoted.map((p) => p.bead.id) : [] };
}

async function actOn(town: TownEvent, decision: Mutating, state: LedgerState): Promise<void> {
  const repo = { owner: town.owner, repo: town.repo };
  const bead = state.ledger.get(decision.bead) as Bead;
  const number = issueNumberOf(bead);
  const polecat = gastownString(bead, "polecat") ?? "?";
  const cancel = async (runId: number | undefined) => {
    if (runId !== undefined) await cancelRun(town.github, { ...repo, runId });
  };
  const issueOf = issueOfBead(town, bead);
  switch (decision.kind) {
    case "respawn":
      // The new attempt first: cancelling first would leave nothing running if the dispatch failed.
      await dispatchHooked(town, issueOf, decision.assignment, state,
        `The witness restarted polecat **${polecat}** as attempt ${decision.assignment.attempt}. ${decision.note}`);
      await cancel(decision.cancelRunId);
      return;
    case "repair-exit":
      await cancel(decision.cancelRunId);
      await publishExit(town, decision.bead, state);
      return;
    case "nudge":
      if (number !== undefined) {
        await showStatus(town, { number, labels: [] }, {
          state: "hooked", now: town.deps.clock(), bead, ledger: state.ledger, sandbox: town.config.polecat,
          headline: `The witness nudged polecat **${polecat}**: it has shown no progress for more than ${town.config.witness.stuck_minutes} minutes.`,
        });
      }
      return;
    case "escalate": {
      await cancel(decision.cancelRunId);
      const issue = await issueOf();
      if (issue === undefined) return;
      await showStatus(town, issue, {
        state: "escalated", now: town.deps.clock(), bead, ledger: state.ledger, sandbox: town.config.polecat,
        headline: `The witness let the hook go: ${decision.reason}. Look at the polecat's runs, then sling again.`,
      }, { add: [ESCALATED_LABEL], remove: [HOOKED_LABEL, ...slingLabelsOn(issue.labels, town.config.sling.label)] });
      // The status comment is edited in place, which notifies nobody: a reply does.
      const slungBy = gastownString(bead, "slung_by");
      if (slungBy !== undefined) {
        await replyToIssue(town.github, { ...repo, issue_number: issue.number }, `@${slungBy}: the witness gave up on polecat **${polecat}** and escalated this issue to you.`);
      }
      return;
    }
  }
}

function commitMessage(why: string, applied: readonly Acted[], promoted: readonly NonNullable<Promoted["hooked"]>[]): string {
  const lines = [
    ...applied.map((d) => `- ${d.bead}: ${patrolActionOf(d)?.text ?? d.kind}`),
    ...promoted.map((p) => `- ${p.bead.id}: hooked to polecat ${p.assignment.polecat}, attempt ${p.assignment.attempt} (a slot came free)`),
  ];
  return lines.length === 0 ? why : `${why}\n\n${lines.join("\n")}`;
}
