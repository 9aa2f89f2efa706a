// Reactions, one at a time (`reaction`) and summed up on their subject (`reaction-rollup`).
import type { ReactionContent, ReactionRecord } from "../state/model.js";
import { userView, type ViewContext } from "./context.js";

const CONTENTS: readonly ReactionContent[] = ["+1", "-1", "laugh", "hooray", "confused", "heart", "rocket", "eyes"];

export function reactionRollup(url: string, reactions: readonly ReactionRecord[]): Record<string, unknown> {
  const rollup: Record<string, unknown> = { url, total_count: reactions.length };
  for (const content of CONTENTS) rollup[content] = reactions.filter((r) => r.content === content).length;
  return rollup;
}

export function reactionView(view: ViewContext, reaction: ReactionRecord): Record<string, unknown> {
  return { id: reaction.id, node_id: reaction.nodeId, user: userView(view, reaction.user), content: reaction.content, created_at: reaction.createdAt };
}
