// The App's webhook deliveries as GitHub records them (each attempt, newest first), and asking
// GitHub to send one again. GitHub never redelivers on its own: an App that was down, or whose
// handler failed, gets the event again only by asking.
// https://docs.github.com/en/rest/apps/webhooks#list-deliveries-for-an-app-webhook
// https://docs.github.com/en/webhooks/using-webhooks/handling-failed-webhook-deliveries
import type { GitHubClient } from "./github-client.js";
import { PER_PAGE } from "./pages.js";

/** One attempt at a delivery, as the listing gives it. */
export interface DeliveryAttempt {
  readonly id: number;
  /** The delivery's id (`X-GitHub-Delivery`), shared by its every attempt. */
  readonly guid: string;
  readonly deliveredAt: string;
  readonly redelivery: boolean;
  /** The App's answer; 0 when nothing answered. */
  readonly statusCode: number;
  readonly event: string;
}

interface ListedAttempt {
  id: number;
  guid: string;
  delivered_at: string;
  redelivery: boolean;
  status_code: number;
  event: string;
}

/** The attempts made since `since`, newest first, page by page (the listing pages by cursor). Needs the App's own JWT. */
export async function deliveriesSince(github: GitHubClient, since: Date): Promise<DeliveryAttempt[]> {
  const attempts: DeliveryAttempt[] = [];
  let cursor: string | undefined;
  for (;;) {
    const { data, headers } = await github.request("GET /app/hook/deliveries", { per_page: PER_PAGE, ...(cursor === undefined ? {} : { cursor }) });
    for (const item of data as ListedAttempt[]) {
      if (Date.parse(item.delivered_at) < since.getTime()) return attempts;
      attempts.push({ id: item.id, guid: item.guid, deliveredAt: item.delivered_at, redelivery: item.redelivery, statusCode: item.status_code, event: item.event });
    }
    const link = headers?.["link"];
    cursor = nextCursor(typeof link === "string" ? link : undefined);
    if (cursor === undefined) return attempts;
  }
}

/** Asks GitHub to send the attempt's delivery again (it answers at once and sends it soon). */
export async function redeliver(github: GitHubClient, attempt: number): Promise<void> {
  await github.request("POST /app/hook/deliveries/{delivery_id}/attempts", { delivery_id: attempt });
}

/** The cursor of the `Link` header's next page, if there is one. */
export function nextCursor(link: string | undefined): string | undefined {
  const next = link?.split(",").find((part) => /rel="next"/.test(part));
  const url = next === undefined ? undefined : /<([^>]+)>/.exec(next)?.[1];
  return url === undefined ? undefined : new URL(url).searchParams.get("cursor") ?? undefined;
}
