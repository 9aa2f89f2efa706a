// The App's webhook deliveries (JWT): GitHub's record of every attempt, and a redelivery of one.
// https://docs.github.com/en/rest/apps/webhooks
import type { Handlers } from "../http/handler.js";
import { pageByCursor } from "../http/cursor-pagination.js";
import { failure, json } from "../http/responses.js";
import { fail, notFound } from "../state/result.js";
import { hookDeliveryItem } from "../views/hook-delivery.js";
import { isStatusFilter, underStatusFilter } from "../webhooks/delivery-attempts.js";
import { numberParam } from "./respond.js";

export const webhookDeliveryHandlers: Handlers = {
  "apps/list-webhook-deliveries": (request, core) => {
    const status = request.query.get("status");
    const filter = status !== null && isStatusFilter(status) ? status : undefined;
    const newestFirst = core.deliveryAttempts.filter((attempt) => filter === undefined || underStatusFilter(attempt, filter)).reverse();
    const page = pageByCursor(newestFirst, request.query, request.url);
    // GitHub's answer to a cursor it never gave is not documented; the description allows a 400.
    if (page === undefined) return failure(fail(400, "Bad Request"), request.documentationUrl);
    return json(200, page.items.map(hookDeliveryItem), page.headers);
  },

  // Answered at once and sent behind the queued deliveries, as GitHub accepts a redelivery and
  // sends it later. With no webhook URL it is accepted and nothing is sent or recorded, as with
  // any delivery then: the test hands deliveries over itself.
  "apps/redeliver-webhook-delivery": (request, core) =>
    core.redeliver(numberParam(request, "delivery_id")) ? json(202, {}) : failure(notFound(), request.documentationUrl),
};
