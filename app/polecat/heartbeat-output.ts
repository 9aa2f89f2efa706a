// What a polecat's heartbeat check run shows (DESIGN §7, Heartbeat): the title
// `<state> · step <i>/<n>`, a summary that starts with the machine-read marker and then says the
// same for people, and the tail of the agent's output as the text, every secret already redacted
// by the caller.
import { heartbeatMarker, type HeartbeatExit, type HeartbeatState } from "../town/heartbeat.js";
import type { CheckRunOutput } from "../github/heartbeat-check-runs.js";
import { fenced, withoutMentions } from "../town/fenced-text.js";

export interface HeartbeatView {
  readonly state: HeartbeatState;
  readonly polecat: string;
  readonly bead: string;
  readonly attempt: number;
  /** The step it is on, by formula step id, with its place among the molecule's steps. */
  readonly step: { readonly id: string; readonly index: number; readonly of: number };
  readonly at: Date;
  readonly progressAt: Date;
  /** The last lines of the agent's output, redacted. */
  readonly tail: string;
  /** What the run is doing besides (taking the work, a refusal, the limits), one line each. */
  readonly notes: readonly string[];
  /** On the final beat: how the run ended, before the ledger records it. */
  readonly exit?: HeartbeatExit;
  /** What the sandbox saw: the run's spend by its model proxy, and what its egress proxy refused. */
  readonly sandbox?: SandboxView;
}

export interface SandboxView {
  readonly turns: number;
  readonly costUsd: number;
  /** Connections the egress proxy refused, oldest first, as many as it kept. */
  readonly refusals: readonly { readonly at: string; readonly host: string; readonly port: number; readonly reason: string }[];
  /** Refusals beyond those it kept. */
  readonly moreRefusals: number;
}

const STATE_WORDS: Readonly<Record<HeartbeatState, string>> = {
  working: "is working", stuck: "is stuck", done: "is done", crashed: "has crashed",
};

export function heartbeatOutput(view: HeartbeatView): CheckRunOutput {
  const { step } = view;
  const marker = heartbeatMarker({
    at: view.at, progressAt: view.progressAt, state: view.state, step: step.id, attempt: view.attempt, ...(view.exit ? { exit: view.exit } : {}),
    ...(view.sandbox ? { spent: { turns: view.sandbox.turns, costUsd: view.sandbox.costUsd } } : {}),
  });
  const lines = [
    marker,
    "",
    `Polecat **${view.polecat}** ${STATE_WORDS[view.state]} on \`${view.bead}\`, attempt ${view.attempt}: step ${step.index} of ${step.of}, \`${step.id}\`.`,
    "",
    `Last heartbeat ${view.at.toISOString()}; the agent's last progress ${view.progressAt.toISOString()}.`,
    ...view.notes.map((note) => `- ${note}`),
    ...(view.sandbox ? sandboxLines(view.sandbox) : []),
    ...(view.exit ? ["", `It ended as **${view.exit.exit}**, at \`${view.exit.workTip.slice(0, 12)}\`, for this reason:`, "", fenced(view.exit.reason)] : []),
  ];
  return {
    title: `${view.state} · step ${step.index}/${step.of}`,
    summary: lines.join("\n") + "\n",
    // Fenced, so GitHub shows the agent's output as text on the check run's page, never as Markdown.
    ...(view.tail.length > 0 ? { text: fenced(view.tail) } : {}),
  };
}

/**
 * The spend and the network refusals, under the notes. A refused host is written as code, so a
 * name the agent chose cannot become a link or a mention; the reason is the proxy's own text.
 */
function sandboxLines(sandbox: SandboxView): string[] {
  const lines = ["", `Spent so far, by the model proxy: ${sandbox.turns} turn${sandbox.turns === 1 ? "" : "s"}, $${sandbox.costUsd.toFixed(2)}.`];
  const count = sandbox.refusals.length + sandbox.moreRefusals;
  if (count === 0) return lines;
  lines.push("", `The network proxy refused ${count} connection${count === 1 ? "" : "s"} (\`polecat.network\` in \`.github/gastown.yml\` says what may be reached):`);
  for (const refusal of sandbox.refusals) lines.push(`* ${refusal.at} ${inlineCode(`${refusal.host}:${refusal.port}`)}: ${withoutMentions(refusal.reason.replace(/[\r\n]+/g, " "))}`);
  if (sandbox.moreRefusals > 0) lines.push(`* and ${sandbox.moreRefusals} more`);
  return lines;
}

/** Text as inline code that no backtick in it can close early. */
function inlineCode(text: string): string {
  const clean = text.replace(/[\r\n]/g, " ").slice(0, 300);
  const longest = Math.max(0, ...[...clean.matchAll(/`+/g)].map((run) => run[0].length));
  if (longest === 0) return `\`${clean}\``;
  const fence = "`".repeat(longest + 1);
  return `${fence} ${clean} ${fence}`;
}
