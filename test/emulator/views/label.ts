// A label as GitHub renders it (`label`).
import type { LabelRecord } from "../state/model.js";
import type { ViewContext } from "./context.js";

export function labelView(view: ViewContext, repo: string, label: LabelRecord): Record<string, unknown> {
  return {
    id: label.id,
    node_id: label.nodeId,
    url: `${view.urls.api}/repos/${repo}/labels/${encodeURIComponent(label.name)}`,
    name: label.name,
    color: label.color,
    default: label.default,
    description: label.description,
  };
}
