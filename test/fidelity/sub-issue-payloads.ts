// `sub_issues` deliveries. GitHub's examples record none, so each is made of recorded parts (an
// issue, its repository, the sender, from @octokit/webhooks-examples) in the shape
// @octokit/openapi-webhooks gives, and checked against its schema before it is handed out.
import { validateWebhookPayload, webhookPayload, type WebhookPayload } from "./webhook-payloads.js";

export const RECORDED_ISSUES = "https://github.com/Codertocat/Hello-World/issues";

/** The recorded issue as issue `number` (database id 1000 + number), with `patch` over it. */
export function recordedIssue(number: number, patch: Partial<WebhookPayload> = {}): WebhookPayload {
  const recorded = webhookPayload("issues", "opened")["issue"] as WebhookPayload;
  return { ...recorded, id: 1000 + number, number, html_url: `${RECORDED_ISSUES}/${number}`, ...patch };
}

/**
 * A `sub_issues` delivery: `child` added to or removed from `parent`, as the parent's
 * (`sub_issue_*`) or the child's (`parent_issue_*`) side sees it. `parent` may be an issue made
 * with recordedIssue, to give it labels.
 */
export function subIssuesPayload(action: string, parent: number | WebhookPayload, child: number): WebhookPayload {
  const opened = webhookPayload("issues", "opened");
  const parentIssue = typeof parent === "number" ? recordedIssue(parent) : parent;
  const side = action.startsWith("sub_issue") ? { sub_issue_repo: opened["repository"] } : { parent_issue_repo: opened["repository"] };
  const payload = {
    action, parent_issue_id: parentIssue["id"], parent_issue: parentIssue, sub_issue_id: 1000 + child, sub_issue: recordedIssue(child), ...side,
    repository: opened["repository"], sender: opened["sender"], installation: opened["installation"],
  };
  validateWebhookPayload("sub_issues", action, payload);
  return payload;
}
