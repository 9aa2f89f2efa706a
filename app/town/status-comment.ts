// The sticky status comment: one per issue, edited in place, so an issue shows where its work
// stands without a stream of comments. Built from the ledger alone (the bead, its molecule)
// plus what the handler knows of the run; the bead id sits in a hidden marker so tools can
// find the bead from the comment.
import type { Bead } from "../ledger/bead-schema.js";
import type { Ledger } from "../ledger/ledger.js";
import { gastownMetadata, gastownString } from "../molecules/gastown-metadata.js";
import { isMoleculeRoot, readMolecule, type MoleculeStep } from "../molecules/molecule.js";
import { progress } from "../molecules/next-steps.js";
import { fenced } from "./fenced-text.js";
import { moleculeDiagram } from "./molecule-diagram.js";
import { sandboxParagraph, type SandboxSettings } from "./sandbox-notice.js";
import { rungShown } from "./witness-ladder.js";
import { attemptOf } from "./sling.js";

export type StatusState = "hooked" | "waiting" | "unslung" | "abandoned" | "escalated" | "error" | "completed" | "blocked" | "deferred";

export interface StatusView {
  readonly state: StatusState;
  /** One sentence saying what happened, in the App's words. */
  readonly headline: string;
  /** Text to show as data, fenced: error messages, which may quote what people wrote. */
  readonly detail?: string;
  readonly bead?: Bead;
  /** The ledger the bead is in, to read its molecule. */
  readonly ledger?: Ledger;
  readonly run?: { readonly id: number; readonly url: string; readonly status?: string };
  /**
   * The repository's `polecat.sandbox` and `polecat.network`, so a weakened sandbox is said on
   * the bead's status (sandbox-notice.ts); undefined only where there are no settings to read.
   */
  readonly sandbox: SandboxSettings | undefined;
  readonly now: Date;
}

const TITLES: Readonly<Record<StatusState, string>> = {
  hooked: "🪝 Hooked",
  waiting: "⏳ Waiting for a free polecat",
  unslung: "Unslung",
  abandoned: "Unslung and abandoned",
  escalated: "🚨 Escalated",
  error: "⚠️ Not slung",
  completed: "✅ Pull request open",
  blocked: "⛔ Blocked",
  deferred: "🪓 Split up",
};

export function beadMarker(bead: string): string {
  return `<!-- gastown:bead ${bead} -->`;
}

/** The bead id a status comment names, if any. */
export function beadIdFromStatus(body: string): string | undefined {
  return /<!-- gastown:bead ([^\s]+) -->/.exec(body)?.[1];
}

export function renderStatusComment(view: StatusView): string {
  const lines: string[] = [];
  if (view.bead) lines.push(beadMarker(view.bead.id));
  lines.push(`### Gas Town · ${TITLES[view.state]}`, "", view.headline);
  // Said where there is a bead: a status with none is an error about the settings or the issue.
  if (view.bead) lines.push(...sandboxParagraph(view.sandbox));
  if (view.detail !== undefined) lines.push("", fenced(view.detail));
  if (view.bead) lines.push("", ...facts(view.bead, view.run), ...checklist(view.ledger, view.bead));
  lines.push("", `<sub>Updated ${when(view.now)} · \`/gt help\` lists the commands.</sub>`);
  return lines.join("\n") + "\n";
}

function facts(bead: Bead, run: StatusView["run"]): string[] {
  const meta = gastownMetadata(bead);
  const rows: [string, string][] = [["Bead", `\`${bead.id}\` (${bead.status ?? "open"})`]];
  const polecat = gastownString(bead, "polecat");
  const attempt = attemptOf(bead);
  if (polecat !== undefined) rows.push(["Polecat", `**${polecat}**${attempt > 0 ? `, attempt ${attempt}` : ""}`]);
  const formula = gastownString(bead, "formula");
  const molecule = gastownString(bead, "molecule");
  if (formula !== undefined) rows.push(["Formula", `\`${formula}\`${molecule !== undefined ? `, molecule \`${molecule}\`` : ""}`]);
  if (run) rows.push(["Run", `[#${run.id}](${run.url})${run.status ? ` (${run.status})` : ""}`]);
  const slungBy = gastownString(bead, "slung_by");
  const slungAt = gastownString(bead, "slung_at");
  if (slungBy !== undefined && slungAt !== undefined) rows.push(["Slung", `by @${slungBy}, ${when(new Date(slungAt))}`]);
  const dispatchedAt = gastownString(bead, "dispatched_at");
  if (dispatchedAt !== undefined) rows.push(["Dispatched", when(new Date(dispatchedAt))]);
  const waitingSince = gastownString(bead, "waiting_since");
  if (waitingSince !== undefined) rows.push(["Waiting since", when(new Date(waitingSince))]);
  // The reason is the agent's words (or the App's, quoting a person's): shown fenced, as the detail.
  const witness = rungShown(bead, when);
  if (witness !== undefined) rows.push(["Witness", witness]);
  if (typeof meta.exit === "string") rows.push(["Exit", meta.exit]);
  const turns = meta["exit_turns"];
  const cost = meta["exit_cost_usd"];
  if (typeof turns === "number" && typeof cost === "number") rows.push(["Spent", `${turns} turn${turns === 1 ? "" : "s"}, $${cost.toFixed(2)}`]);
  return ["| | |", "|---|---|", ...rows.map(([name, value]) => `| ${name} | ${value} |`)];
}

/**
 * The molecule's steps, ticked when done, the ones to work on now marked. `current` is the step a
 * polecat says it is on (its formula step id, or its number n of `<root>.<n>`): that open step
 * is marked "← now" instead. /peek shows the same list (peek-reply.ts). The molecule's picture
 * follows the list, which says the same for those who cannot see it.
 */
export function checklist(ledger: Ledger | undefined, bead: Bead, current?: string | number): string[] {
  const root = gastownString(bead, "molecule");
  if (!ledger || root === undefined || !isMoleculeRoot(ledger.get(root))) return [];
  const molecule = readMolecule(ledger, root);
  const state = progress(ledger, molecule);
  const next = new Set(state.next.map((step) => step.step));
  const isCurrent = (step: MoleculeStep) => !step.closed && (typeof current === "number" ? step.n === current : step.step === current);
  const marker = (step: MoleculeStep) => (isCurrent(step) ? " ← now" : next.has(step.step) ? " ← next" : "");
  const picture = moleculeDiagram(molecule, state, isCurrent);
  return [
    "",
    `**Steps** (${state.done} of ${state.total} done)`,
    "",
    ...molecule.steps.map((step) => `- [${step.closed ? "x" : " "}] ${oneLine(step.bead.title)}${marker(step)}`),
    ...(picture === undefined ? [] : ["", picture]),
  ];
}

/** One table cell or list item's worth: no newlines or pipes to break the Markdown around it. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").replace(/\|/g, "\\|").trim();
}

/** A time as the App's comments show it: to the minute, in UTC. */
export function when(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
