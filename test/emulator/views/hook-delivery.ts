// A webhook delivery attempt as GitHub lists it (`hook-delivery-item`).
// https://docs.github.com/en/rest/apps/webhooks#list-deliveries-for-an-app-webhook
import type { DeliveryAttempt } from "../webhooks/delivery-attempts.js";

/**
 * The words GitHub shows for an attempt: "OK" for a 2xx, the receiver's status otherwise, and
 * "failed to connect" when nothing answered.
 */
export function attemptStatus(statusCode: number): string {
  if (statusCode === 0) return "failed to connect";
  return statusCode >= 200 && statusCode < 300 ? "OK" : `Invalid HTTP Response: ${statusCode}`;
}

export function hookDeliveryItem(attempt: DeliveryAttempt): Record<string, unknown> {
  return {
    id: attempt.id,
    guid: attempt.guid,
    delivered_at: attempt.deliveredAt,
    redelivery: attempt.redelivery,
    duration: attempt.seconds,
    status: attemptStatus(attempt.statusCode),
    status_code: attempt.statusCode,
    event: attempt.event,
    action: attempt.action,
    installation_id: attempt.installationId,
    repository_id: attempt.repositoryId,
    // The emulator never holds a delivery back for the App's delivery rate.
    throttled_at: null,
  };
}
