// What a polecat's heartbeat check run shows (DESIGN §7, Heartbeat): the title
// `<state> · step <i>/<n>`, a summary that starts with the machine-read marker and then says the
// same for people, and the tail of the agent's output as the text, every secret already redacted
// by the caller.
import { heartbeatMarker, type HeartbeatExit, type HeartbeatState } from "../town/heartbeat.js";
import type { CheckRunOutput } from "../github/heartbeat-check-runs.js";
import { fenced } from "../town/fenced-text.js";

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
}

const STATE_WORDS: Readonly<Record<HeartbeatState, string>> = {
  working: "is working", stuck: "is stuck", done: "is done", crashed: "has crashed",
};

export function heartbeatOutput(view: HeartbeatView): CheckRunOutput {
  const { step } = view;
  const marker = heartbeatMarker({
    at: view.at, progressAt: view.progressAt, state: view.state, step: step.id, attempt: view.attempt, ...(view.exit ? { exit: view.exit } : {}),
  });
  const lines = [
    marker,
    "",
    `Polecat **${view.polecat}** ${STATE_WORDS[view.state]} on \`${view.bead}\`, attempt ${view.attempt}: step ${step.index} of ${step.of}, \`${step.id}\`.`,
    "",
    `Last heartbeat ${view.at.toISOString()}; the agent's last progress ${view.progressAt.toISOString()}.`,
    ...view.notes.map((note) => `- ${note}`),
    ...(view.exit ? ["", `It ended as **${view.exit.exit}**, at \`${view.exit.workTip.slice(0, 12)}\`, for this reason:`, "", fenced(view.exit.reason)] : []),
  ];
  return {
    title: `${view.state} · step ${step.index}/${step.of}`,
    summary: lines.join("\n") + "\n",
    // Fenced, so GitHub shows the agent's output as text on the check run's page, never as Markdown.
    ...(view.tail.length > 0 ? { text: fenced(view.tail) } : {}),
  };
}
