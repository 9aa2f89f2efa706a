// The pictures in the App's comments: Mermaid flowcharts, which GitHub draws from a ```mermaid
// fence in comments and pull request bodies. Every picture sits beside the text it draws (screen
// readers and e-mail notifications show only the text) and is written here, so one place decides
// what reaches Mermaid.
//
// Labels are the only text in a diagram not written here, and they are often someone else's (an
// issue's title, a step's, a pull request's). Each is sanitised like any untrusted text, put on
// one line, cut short, and every character but letters, digits, spaces and a little punctuation
// is written as a Mermaid entity code (`#60;` for `<`) inside a double-quoted label. So no label
// can close its quotes or brackets, start a statement (`click`, `call`, `style`, a `%%{init}%%`
// directive), turn into Markdown or HTML in the drawing, or close the fence: it has no `"`, `[`,
// `;` of its own, no `%`, `<` or backtick, and no newline. Node ids, class names and the rest of
// the syntax are the App's.
import { fenced } from "./fenced-text.js";
import { sanitizeUntrusted } from "./untrusted-text.js";

/** How a node is drawn: what the legend of every picture means. */
export type NodeState = "done" | "current" | "waiting" | "failed";

export interface DiagramNode {
  /** The App's own id: a lower-case letter, then letters, digits or `_`. */
  readonly id: string;
  /** Any text; drawn inert (see `mermaidLabel`). */
  readonly label: string;
  readonly state?: NodeState;
}

/** A box around some nodes (a subgraph), such as a wave or a polecat's state. */
export interface DiagramGroup {
  readonly id: string;
  readonly label: string;
  readonly nodes: readonly DiagramNode[];
}

export interface Diagram {
  /** What the picture shows, in the App's words, for readers that announce it. */
  readonly title: string;
  /** Top-down or left-to-right. */
  readonly direction: "TD" | "LR";
  readonly nodes?: readonly DiagramNode[];
  readonly groups?: readonly DiagramGroup[];
  /** Arrows, from node id to node id. */
  readonly edges?: readonly (readonly [string, string])[];
}

/** The longest label, in characters: a picture is read at a glance; the text beside it has the rest. */
export const LABEL_LENGTH = 48;

/**
 * The most nodes one picture draws. GitHub refuses a comment over 65,536 characters, and a label
 * of `LABEL_LENGTH` characters all written as entity codes is some 400, so a picture stays under
 * a fifth of that; the rest is said as "…and N more".
 */
export const MOST_NODES = 30;

/**
 * Characters a label keeps as they are: none of them means anything to Mermaid inside quotes. A
 * `#` starts an entity code only with a `;` after it, and every `;` is written as a code itself.
 */
const PLAIN = /^[\p{L}\p{N} .,_'!?/()+=#-]$/u;
const ID = /^[a-z][A-Za-z0-9_]*$/;

// Light fills with dark text and a darker border: legible on GitHub's light and dark themes.
const CLASS_DEFS: Readonly<Record<NodeState, string>> = {
  done: "fill:#d3f9d8,stroke:#2b8a3e,color:#1b4332",
  current: "fill:#fff3bf,stroke:#e67700,color:#5c3c00,stroke-width:2px",
  waiting: "fill:#f1f3f5,stroke:#868e96,color:#343a40,stroke-dasharray:4 3",
  failed: "fill:#ffe3e3,stroke:#c92a2a,color:#5c0011",
};
const STATES = Object.keys(CLASS_DEFS) as NodeState[];

/** `text` as the inside of a double-quoted Mermaid label: sanitised, one line, short, inert. */
export function mermaidLabel(text: string, length = LABEL_LENGTH): string {
  const chars = [...sanitizeUntrusted(text).replace(/\s+/g, " ").trim()];
  const shown = chars.length > length ? [...chars.slice(0, length - 1).join("").trimEnd(), "…"] : chars;
  return shown.map((c) => (PLAIN.test(c) ? c : `#${c.codePointAt(0)};`)).join("");
}

/** The picture as a Markdown ```mermaid fence. */
export function mermaidBlock(diagram: Diagram): string {
  const lines = [`flowchart ${diagram.direction}`, `  accTitle: ${mermaidLabel(diagram.title, 200)}`];
  const used = new Set<NodeState>();
  const node = (n: DiagramNode, indent: string) => {
    if (n.state) used.add(n.state);
    return `${indent}${id(n.id)}["${mermaidLabel(n.label)}"]${n.state ? `:::${n.state}` : ""}`;
  };
  for (const group of diagram.groups ?? []) {
    lines.push(`  subgraph ${id(group.id)}["${mermaidLabel(group.label)}"]`, ...group.nodes.map((n) => node(n, "    ")), "  end");
  }
  lines.push(...(diagram.nodes ?? []).map((n) => node(n, "  ")));
  lines.push(...(diagram.edges ?? []).map(([from, to]) => `  ${id(from)} --> ${id(to)}`));
  lines.push(...STATES.filter((state) => used.has(state)).map((state) => `  classDef ${state} ${CLASS_DEFS[state]}`));
  return fenced(lines.join("\n"), "mermaid");
}

/** The first `most` of `items`, and how many are left out, for a picture's "…and N more". */
export function capped<T>(items: readonly T[], most: number): { readonly shown: readonly T[]; readonly more: number } {
  return items.length <= most ? { shown: items, more: 0 } : { shown: items.slice(0, most), more: items.length - most };
}

/** "…and N more" as a node, when any are left out. */
export function moreNode(id: string, more: number, what = "more"): DiagramNode[] {
  return more > 0 ? [{ id, label: `…and ${more} ${what}` }] : [];
}

function id(value: string): string {
  if (!ID.test(value)) throw new Error(`not a diagram id: ${JSON.stringify(value)}`);
  return value;
}
