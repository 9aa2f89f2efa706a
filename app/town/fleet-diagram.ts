// The fleet as a picture, for `/peek all`: every polecat in a box by its state (working, stuck,
// done, idle), each named with its bead. The table beside it (peek-reply.ts) says the same in words.
import { capped, mermaidBlock, moreNode, MOST_NODES, type DiagramGroup, type NodeState } from "./mermaid.js";
import type { PolecatState } from "./polecat-health.js";
import { STATE_ORDER } from "./polecat-roster.js";

export interface FleetMember {
  readonly polecat: string;
  readonly bead: string;
  readonly state: PolecatState;
  /** A few words more, such as how far its molecule is. */
  readonly detail?: string;
}

const DRAWN_AS: Readonly<Record<PolecatState, NodeState>> = { working: "current", stuck: "failed", done: "done", idle: "waiting" };
const GROUP_TITLES: Readonly<Record<PolecatState, string>> = { working: "Working", stuck: "Stuck", done: "Done", idle: "Idle" };

/** The picture of `members` (in the order given), and of `more` left out of them. */
export function fleetDiagram(members: readonly FleetMember[], more: number): string | undefined {
  if (members.length === 0) return undefined;
  const { shown, more: cut } = capped(members, MOST_NODES - 1);
  const groups: DiagramGroup[] = STATE_ORDER.flatMap((state) => {
    const nodes = shown.flatMap((member, i) => member.state !== state ? [] : [{
      id: `p${i + 1}`, label: [member.polecat, member.bead, member.detail].filter((part) => part !== undefined).join(", "), state: DRAWN_AS[state],
    }]);
    return nodes.length === 0 ? [] : [{ id: `fleet_${state}`, label: GROUP_TITLES[state], nodes }];
  });
  return mermaidBlock({ title: "Every polecat by its state", direction: "LR", groups, nodes: moreNode("more", cut + more, "more polecats") });
}
