// The answer to `/peek`: one reply comment with one polecat's health (its state and why, its
// heartbeat, run, exit and attempts, its molecule's steps, the last lines of its output), and
// to `/peek all` one table of every polecat, with its picture. Built from what the handler read;
// nothing here asks GitHub. The output is untrusted and arrives cleaned (output-tail.ts); it is
// shown fenced.
import { beadStatus, type Bead } from "../ledger/bead-schema.js";
import type { Ledger } from "../ledger/ledger.js";
import { gastownMetadata, gastownString } from "../molecules/gastown-metadata.js";
import { isMoleculeRoot, readMolecule } from "../molecules/molecule.js";
import { progress, type Progress } from "../molecules/next-steps.js";
import { fenced, withoutMentions } from "./fenced-text.js";
import { fleetDiagram } from "./fleet-diagram.js";
import type { Heartbeat, HeartbeatSpend } from "./heartbeat.js";
import type { Health, HealthReason, PolecatState } from "./polecat-health.js";
import { STATE_ORDER } from "./polecat-roster.js";
import { sandboxParagraph, type SandboxSettings } from "./sandbox-notice.js";
import { attemptOf, attemptsSinceSling } from "./sling.js";
import { checklist, oneLine, when } from "./status-comment.js";
import { rungShown } from "./witness-ladder.js";

/** What GitHub shows of a polecat's current attempt. */
export interface PolecatObservation {
  readonly run?: { readonly id: number; readonly url: string; readonly status: string; readonly conclusion: string | null };
  readonly heartbeat?: Heartbeat;
  /** The last lines of its output, cleaned, and where they were read. */
  readonly output?: { readonly lines: readonly string[]; readonly source: "heartbeat" | "job log" };
}

/** The settings a reply quotes, and the sandbox's, said when weakened (sandbox-notice.ts). */
export interface PeekSettings extends SandboxSettings {
  readonly stuckMinutes: number;
  readonly maxAttempts: number;
}

export interface PeekView extends PolecatObservation {
  readonly sender: string;
  readonly bead: Bead;
  /** The ledger the bead is in, for its molecule. */
  readonly ledger: Ledger;
  readonly health: Health;
  readonly settings: PeekSettings;
  readonly now: Date;
}

export interface PeekRow extends PolecatObservation {
  readonly bead: Bead;
  readonly health: Health;
}

export interface PeekAllView {
  readonly sender: string;
  readonly rows: readonly PeekRow[];
  readonly ledger: Ledger;
  readonly settings: PeekSettings;
  /** Polecats left out to keep the reply short. */
  readonly more: number;
  readonly now: Date;
}

/** Why there is no polecat to show. */
export type NoPolecat =
  /** The issue has no bead, or its bead was never given a polecat. */
  | "issue"
  /** A pull request whose head is not a polecat branch of this repository. */
  | "pull-request"
  /** A polecat branch whose bead the ledger does not hold. */
  | "unknown-bead";

const STATE_LABELS: Readonly<Record<PolecatState, string>> = {
  working: "🟢 working",
  stuck: "🔴 stuck",
  done: "🏁 done",
  idle: "💤 idle",
};

export function renderPeek(view: PeekView): string {
  const { bead, health } = view;
  const polecat = oneLine(gastownString(bead, "polecat") ?? "?");
  // The step a live polecat says it is on; a finished one's last step is history.
  const current = health.state === "working" || health.state === "stuck" ? view.heartbeat?.step : undefined;
  const lines = [
    `### Gas Town · 🔭 Peek at polecat **${polecat}**`,
    "",
    `@${view.sender}: polecat **${polecat}** is ${STATE_LABELS[health.state]}: ${explain(health.reason, bead, view.settings)}`,
    ...sandboxParagraph(view.settings),
    "",
    "| | |",
    "|---|---|",
    `| Bead | ${beadCell(bead)} |`,
    `| Heartbeat | ${heartbeatCell(view.heartbeat, view.now)} |`,
    ...(view.heartbeat?.spent ? [`| Spent | ${spentCell(view.heartbeat.spent)} |`] : []),
    `| Run | ${runCell(view.run)} |`,
    `| Exit | ${exitCell(bead, health.state)} |`,
    `| Attempts | ${attemptsCell(bead, view.settings)} |`,
    ...witnessRow(bead),
    ...checklist(view.ledger, bead, current),
    "",
    ...outputSection(view.output),
    "",
    `<sub>As of ${when(view.now)} · \`/peek <n>\` shows the last n lines of output, \`/peek all\` every polecat.</sub>`,
  ];
  return lines.join("\n") + "\n";
}

export function renderPeekAll(view: PeekAllView): string {
  const lines = [`### Gas Town · 🔭 Every polecat`, ""];
  if (view.rows.length === 0) {
    lines.push(`@${view.sender}: there are no polecats in this repository: no issue has been slung yet.`);
  } else {
    const rows = [...view.rows].sort(byState);
    const count = rows.length + view.more;
    lines.push(
      `@${view.sender}: ${count} polecat${count === 1 ? "" : "s"}.`,
      ...sandboxParagraph(view.settings),
      "",
      "| Polecat | Bead | State | Heartbeat | Run | Steps | Attempts |",
      "|---|---|---|---|---|---|---|",
      ...rows.map((row) => [
        `**${oneLine(gastownString(row.bead, "polecat") ?? "?")}**`,
        beadCell(row.bead),
        STATE_LABELS[row.health.state],
        row.heartbeat ? ago(view.now.getTime() - row.heartbeat.at.getTime()) : "none",
        runCell(row.run),
        stepsCell(view.ledger, row.bead),
        attemptsCell(row.bead, view.settings),
      ].join(" | ")).map((row) => `| ${row} |`),
    );
    if (view.more > 0) lines.push("", `…and ${view.more} more, not shown.`);
    const fleet = fleetDiagram(rows.map((row) => {
      const steps = stepsOf(view.ledger, row.bead);
      const polecat = gastownString(row.bead, "polecat") ?? "?";
      return { polecat, bead: row.bead.id, state: row.health.state, ...(steps ? { detail: `${steps.done} of ${steps.total} steps` } : {}) };
    }), view.more);
    if (fleet !== undefined) lines.push("", fleet);
  }
  lines.push("", `<sub>As of ${when(view.now)} · \`/peek\` on an issue or its pull request shows one polecat in full.</sub>`);
  return lines.join("\n") + "\n";
}

export function renderNoPolecat(sender: string, why: NoPolecat): string {
  switch (why) {
    case "issue":
      return `@${sender}: no polecat has worked on this issue; it has not been slung. Label it \`gt:sling\` or comment \`/sling\` to start one.\n`;
    case "pull-request":
      return `@${sender}: this pull request is not a polecat's (its branch is not \`polecat/<name>/<bead>\` in this repository), so there is no polecat to peek at.\n`;
    case "unknown-bead":
      return `@${sender}: this pull request's branch names a bead the ledger does not hold, so there is no polecat to peek at.\n`;
  }
}

function byState(a: PeekRow, b: PeekRow): number {
  const name = (row: PeekRow) => gastownString(row.bead, "polecat") ?? "";
  return STATE_ORDER.indexOf(a.health.state) - STATE_ORDER.indexOf(b.health.state) ||
    name(a).localeCompare(name(b)) || a.bead.id.localeCompare(b.bead.id);
}

/** The sentence after the state: why it is that. */
function explain(reason: HealthReason, bead: Bead, settings: PeekSettings): string {
  const stuckSetting = `witness.stuck_minutes is ${settings.stuckMinutes}`;
  switch (reason.kind) {
    case "fresh":
      return `its last heartbeat was ${ago(reason.heartbeatAgeMs)}.`;
    case "starting":
      return reason.sinceDispatchMs === undefined ? "its run is under way, with no heartbeat yet." :
        `its run is under way, with no heartbeat yet; it was dispatched ${ago(reason.sinceDispatchMs)}.`;
    case "dispatching":
      return `it was dispatched ${ago(reason.sinceDispatchMs)}; its run has not shown up yet.`;
    case "idle":
      return `its last heartbeat was ${ago(reason.heartbeatAgeMs)}, but its agent has shown no progress for ${duration(reason.progressAgeMs)} (${stuckSetting}).`;
    case "stale":
      return `its heartbeat is stale: none for ${duration(reason.heartbeatAgeMs)} (${stuckSetting}), so its runner looks gone.`;
    case "silent":
      return `no heartbeat since it was dispatched ${ago(reason.sinceDispatchMs)} (${stuckSetting}).`;
    case "queued":
      return `its run waits for a runner: GitHub has not started it since it was dispatched ${ago(reason.sinceDispatchMs)} (${stuckSetting}).`;
    case "reported":
      return `its last heartbeat, ${ago(reason.heartbeatAgeMs)}, says it has ${reason.said === "stuck" ? "got stuck" : "crashed"}.`;
    case "lost":
      return reason.sinceDispatchMs === undefined ? "it is hooked, but no run has shown up." :
        `it is hooked, but no run has shown up since it was dispatched ${ago(reason.sinceDispatchMs)}.`;
    case "completed":
      return `its run has completed${reason.conclusion ? ` (${reason.conclusion})` : ""}.`;
    case "exited":
      return `it exited ${oneLine(reason.exit)}.`;
    case "not-hooked":
      return gastownString(bead, "waiting_since") !== undefined
        ? "it waits for a free polecat (limits.max_polecats)."
        : "it is not hooked, so no run is under way.";
  }
}

function beadCell(bead: Bead): string {
  const issue = issueLink(bead.external_ref);
  return `\`${bead.id}\` (${oneLine(beadStatus(bead))})${issue ? ` · ${issue}` : ""}`;
}

// A work bead's external_ref is its issue's URL; anything else is not linked.
const ISSUE_URL = /^https?:\/\/[^\s()<>|\]\\]+\/issues\/(\d+)$/;

function issueLink(ref: string | undefined): string | undefined {
  const match = ref === undefined ? null : ISSUE_URL.exec(ref);
  return match ? `[#${match[1]}](${ref})` : undefined;
}

/** What the witness last did about a stuck polecat, when it did something. */
function witnessRow(bead: Bead): string[] {
  const shown = rungShown(bead, when);
  return shown === undefined ? [] : [`| Witness | ${shown} |`];
}

/** The run's spend as its model proxy metered it (only a sandboxed run's heartbeat says it). */
function spentCell(spent: HeartbeatSpend): string {
  return `${spent.turns} turn${spent.turns === 1 ? "" : "s"}, $${spent.costUsd.toFixed(2)} (metered by its model proxy)`;
}

function heartbeatCell(heartbeat: Heartbeat | undefined, now: Date): string {
  if (!heartbeat) return "none yet";
  const said = [heartbeat.state, heartbeat.step === undefined ? undefined : stepText(heartbeat.step)].filter(Boolean).join(", ");
  return `${ago(now.getTime() - heartbeat.at.getTime())} (${when(heartbeat.at)})${said ? `: ${said}` : ""}`;
}

function stepText(step: string | number): string {
  return typeof step === "number" ? `step ${step}` : `step \`${step}\``;
}

function runCell(run: PolecatObservation["run"]): string {
  if (!run) return "none found";
  const state = run.status === "completed" && run.conclusion ? `completed, ${run.conclusion}` : run.status;
  return `[#${run.id}](${run.url}) (${oneLine(state)})`;
}

function exitCell(bead: Bead, state: PolecatState): string {
  const meta = gastownMetadata(bead);
  if (typeof meta.exit !== "string") return state === "done" ? "none recorded" : "none yet";
  // The reason is the agent's words: in a table cell there is no fence, but it pings no one.
  return `${oneLine(meta.exit)}${typeof meta.exit_reason === "string" ? `: ${withoutMentions(oneLine(meta.exit_reason))}` : ""}`;
}

/** The attempts witness.max_attempts counts (since the last sling), and the attempt number when earlier slings made more. */
function attemptsCell(bead: Bead, settings: PeekSettings): string {
  const attempt = attemptOf(bead);
  const counted = attemptsSinceSling(bead);
  if (attempt === 0) return "none yet";
  return counted === attempt ? `${attempt} of ${settings.maxAttempts}` : `${counted} of ${settings.maxAttempts} since it was slung (attempt ${attempt})`;
}

function stepsCell(ledger: Ledger, bead: Bead): string {
  const state = stepsOf(ledger, bead);
  return state === undefined ? "—" : `${state.done} of ${state.total} done`;
}

/** How far its molecule is, when it has one. */
function stepsOf(ledger: Ledger, bead: Bead): Progress | undefined {
  const root = gastownString(bead, "molecule");
  return root === undefined || !isMoleculeRoot(ledger.get(root)) ? undefined : progress(ledger, readMolecule(ledger, root));
}

function outputSection(output: PolecatObservation["output"]): string[] {
  if (!output || output.lines.length === 0) return ["**Output**: none to show."];
  const count = output.lines.length;
  const source = output.source === "heartbeat" ? "from its heartbeat" : "from the job log";
  return [`**Output** (the last ${count === 1 ? "line" : `${count} lines`}, ${source})`, "", fenced(output.lines.join("\n"))];
}

/** How long, in the largest whole unit that reads naturally. */
export function duration(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 1) return "less than a minute";
  if (minutes < 120) return plural(minutes, "minute");
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return plural(hours, "hour");
  return plural(Math.floor(hours / 24), "day");
}

function ago(ms: number): string {
  return ms < 60_000 ? "just now" : `${duration(ms)} ago`;
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? "" : "s"}`;
}
