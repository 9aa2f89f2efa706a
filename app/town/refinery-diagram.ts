// The refinery pull request's pictures: the batch (the base, then one merge commit per pull
// request, which is the staging tree that lands) and, once a run of the batch was red, the runs
// that followed (retries and the bisection looking for the culprit), each under the red run it
// split. The body's table and list (refinery-texts.ts) say the same in words.
import { capped, mermaidBlock, moreNode, MOST_NODES, type DiagramNode, type NodeState } from "./mermaid.js";
import type { TestedRun } from "./refinery.js";

/** A pull request of the batch: its number and title (someone else's words). */
export interface BatchEntry {
  readonly number: number;
  readonly title: string;
}

/** Where the batch under test stands, as its pull request says. */
export type BatchStanding = "testing" | "green" | "waiting";

const STANDING_STATE: Readonly<Record<BatchStanding, NodeState>> = { testing: "current", green: "done", waiting: "waiting" };
const STANDING_WORDS: Readonly<Record<BatchStanding, string>> = { testing: "testing now", green: "green", waiting: "waiting" };

/** The batch under test: its attempt number, what it stands on, its pull requests in queue order. */
export interface BatchNow {
  readonly base: string;
  readonly baseSha: string;
  readonly attempt: number;
  readonly entries: readonly BatchEntry[];
  readonly standing: BatchStanding;
}

/** A run of the batch: its attempt number and its pull requests' numbers. */
export interface RunNow {
  readonly attempt: number;
  readonly prs: readonly number[];
  readonly standing: BatchStanding;
}

/** The staging tree: the base, each pull request merged in turn, and the tip under test. */
export function batchDiagram(input: BatchNow): string {
  const { shown, more } = capped(input.entries, MOST_NODES - 3);
  const chain = [
    { id: "base", label: `${input.base} at ${input.baseSha.slice(0, 12)}` },
    ...shown.map((entry, i) => ({ id: `pr${i + 1}`, label: `#${entry.number} ${entry.title}` })),
    ...moreNode("more", more, "more pull requests"),
    { id: "tip", label: `Batch ${input.attempt} ${STANDING_WORDS[input.standing]}`, state: STANDING_STATE[input.standing] },
  ];
  const edges = chain.slice(1).map((node, i) => [(chain[i] as DiagramNode).id, node.id] as const);
  return mermaidBlock({ title: "The batch, merged in turn onto the base", direction: "LR", nodes: chain, edges });
}

/**
 * The runs of the batch so far (`tested`, oldest first) and the one under test now, each drawn
 * under the latest red run that held all its pull requests: the tree a bisection makes.
 * Undefined until a run was red, when there is nothing to draw but the batch itself.
 */
export function bisectionDiagram(tested: readonly TestedRun[], now: RunNow): string | undefined {
  const earlier = tested.filter((run) => run.attempt !== now.attempt);
  if (!earlier.some((run) => run.verdict === "red")) return undefined;
  const runs = [
    ...earlier.map((run) => {
      const red = run.verdict === "red";
      return { attempt: run.attempt, prs: run.prs, red, state: red ? "failed" as const : "done" as const, words: run.verdict };
    }),
    { attempt: now.attempt, prs: now.prs, red: false, state: STANDING_STATE[now.standing], words: STANDING_WORDS[now.standing] },
  ];
  // The latest runs matter most: the culprit is found at the end.
  const more = Math.max(0, runs.length - (MOST_NODES - 1));
  const drawn = runs.slice(more);
  const nodes: DiagramNode[] = [
    ...moreNode("earlier", more, "earlier runs"),
    ...drawn.map((run) => ({ id: `b${run.attempt}`, label: `Batch ${run.attempt} ${numbers(run.prs)} ${run.words}`, state: run.state })),
  ];
  const edges = drawn.flatMap((run, i) => {
    const parent = drawn.slice(0, i).reverse().find((before) => before.red && run.prs.every((pr) => before.prs.includes(pr)));
    return parent === undefined ? [] : [[`b${parent.attempt}`, `b${run.attempt}`] as const];
  });
  return mermaidBlock({ title: "The runs of this batch, each under the red run it split", direction: "TD", nodes, edges });
}

/** Pull request numbers, as the picture and the list say them. */
export function numbers(prs: readonly number[]): string {
  return `(${prs.map((pr) => `#${pr}`).join(", ")})`;
}
