// The convoy's one comment on its tracking issue, edited in place: where each tracked issue
// stands, in a table. Titles come from other repositories and their authors, so each is shown as
// plain text: sanitised, on one line, its Markdown escaped and its mentions pinging no one. The
// text carries no time, so a step that changes nothing renders the same comment and edits nothing.
import type { Convoy, TrackedState } from "./convoy.js";
import { convoyDiagram } from "./convoy-diagram.js";
import { withoutMentions } from "./fenced-text.js";
import { oneLine } from "./status-comment.js";
import { sanitizeUntrusted } from "./untrusted-text.js";

/** Starts the convoy comment, so the App finds it again among the comments. */
export const CONVOY_MARKER = "<!-- gastown:convoy -->";

export interface ConvoyView {
  readonly convoy: Convoy;
  /** Each tracked issue's title, by `owner/name#n`. */
  readonly titles: ReadonlyMap<string, string>;
  /** Sentences about repositories the convoy cannot reach (off, Actions-only), shown under the table. */
  readonly notes: readonly string[];
}

const STATES: Readonly<Record<TrackedState, string>> = {
  waiting: "⏳ waiting",
  slung: "🪝 slung",
  landed: "🛬 landed",
  closed: "✔️ closed",
  escalated: "🚨 escalated",
  refused: "⛔ not slung",
};

export function renderConvoyComment(view: ConvoyView): string {
  const { convoy } = view;
  const done = convoy.tracked.filter((t) => t.state === "landed" || t.state === "closed").length;
  const total = convoy.tracked.length;
  const lines = [CONVOY_MARKER, `### Gas Town · ${convoy.status === "closed" ? "✅ Convoy landed" : "🚚 Convoy"}`, ""];
  if (convoy.status === "closed") {
    lines.push(`All ${total} tracked issue${total === 1 ? "" : "s"} landed or closed, so this convoy is done and its issue closed.`);
  } else if (total === 0) {
    lines.push(`Slung by @${convoy.slungBy}, but this issue has no sub-issues yet. Add them: the next patrol slings the ready ones.`);
  } else {
    lines.push(`Slung by @${convoy.slungBy}: ${done} of ${total} landed or closed, wave ${convoy.wave}. ` +
      `Each sub-issue goes to a polecat once nothing blocks it, as many at a time per repository as its \`limits.max_polecats\` allows.`);
  }
  if (total > 0) {
    lines.push("", "| Issue | Title | State |", "|---|---|---|");
    for (const tracked of convoy.tracked) {
      const key = `${tracked.repo}#${tracked.number}`;
      const state = STATES[tracked.state] + (tracked.why !== undefined && tracked.why !== tracked.state ? `: ${oneLine(tracked.why)}` : "");
      lines.push(`| ${key} | ${cell(view.titles.get(key) ?? "")} | ${state} |`);
    }
  }
  const picture = convoyDiagram(convoy, view.titles);
  if (picture !== undefined) lines.push("", picture);
  if (view.notes.length > 0) lines.push("", ...view.notes.map((note) => `- ${note}`));
  lines.push("", "<sub>`/gt help` lists the commands.</sub>");
  return lines.join("\n") + "\n";
}

/** Text from elsewhere as one table cell of plain text. */
function cell(text: string): string {
  return oneLine(withoutMentions(sanitizeUntrusted(text)).replace(/[\\`*_{}[\]()#+!<>~]/g, "\\$&"));
}
