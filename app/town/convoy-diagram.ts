// A convoy as a picture, for its tracking comment: a box per wave with the sub-issues it slung,
// then those still waiting for their blockers, each drawn landed, working, waiting or blocked
// (escalated, or not slung). The table beside it (convoy-comment.ts) says the same in words.
import type { Convoy, TrackedIssue, TrackedState } from "./convoy.js";
import { mermaidBlock, moreNode, MOST_NODES, type DiagramGroup, type NodeState } from "./mermaid.js";

const DRAWN_AS: Readonly<Record<TrackedState, NodeState>> = {
  landed: "done", closed: "done", slung: "current", waiting: "waiting", escalated: "failed", refused: "failed",
};

/** The picture of the convoy's waves; undefined while it tracks nothing. */
export function convoyDiagram(convoy: Convoy, titles: ReadonlyMap<string, string>): string | undefined {
  if (convoy.tracked.length === 0) return undefined;
  const boxes = new Map<string, { label: string; order: number; tracked: { issue: TrackedIssue; n: number }[] }>();
  convoy.tracked.forEach((issue, i) => {
    const [id, label, order] = issue.wave !== undefined ? [`wave${issue.wave}`, `Wave ${issue.wave}`, issue.wave]
      : issue.state === "waiting" ? ["later", "Waiting for blockers", Number.MAX_SAFE_INTEGER]
      // Closed by a person, or refused, before the convoy slung it.
      : ["unwaved", "In no wave", Number.MAX_SAFE_INTEGER - 1];
    const box = boxes.get(id) ?? { label, order, tracked: [] };
    box.tracked.push({ issue, n: i + 1 });
    boxes.set(id, box);
  });
  let room = MOST_NODES - 1;
  const groups: DiagramGroup[] = [...boxes.entries()].sort(([, a], [, b]) => a.order - b.order).flatMap(([id, box]) => {
    const drawn = box.tracked.slice(0, Math.max(0, room));
    room -= drawn.length;
    return drawn.length === 0 ? [] : [{
      id, label: box.label,
      nodes: drawn.map(({ issue, n }) => ({ id: `i${n}`, label: name(convoy, issue, titles), state: DRAWN_AS[issue.state] })),
    }];
  });
  const more = convoy.tracked.length - (MOST_NODES - 1 - room);
  return mermaidBlock({ title: "The convoy's waves", direction: "LR", groups, nodes: moreNode("more", more, "more sub-issues") });
}

/** `#n title` for an issue of the tracking issue's repository, `owner/name#n title` for another's. */
function name(convoy: Convoy, issue: TrackedIssue, titles: ReadonlyMap<string, string>): string {
  const key = `${issue.repo}#${issue.number}`;
  const title = titles.get(key);
  const where = issue.repo === convoy.repo ? `#${issue.number}` : key;
  return title === undefined || title === "" ? where : `${where} ${title}`;
}
