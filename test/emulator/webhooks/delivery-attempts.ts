// GitHub's record of an App's webhook deliveries: one attempt per try at the webhook URL, kept
// so the App can list the ones that failed and ask for them again (GitHub never redelivers on
// its own). Pure: the delivery queue makes the attempts, this says what each one records.
// https://docs.github.com/en/webhooks/using-webhooks/handling-failed-webhook-deliveries
import type { Delivery } from "./deliveries.js";

export type DeliveryAttempt = {
  /** Ascending across every attempt of every delivery. */
  id: number;
  /** The delivery's X-GitHub-Delivery, shared by all its attempts. */
  guid: string;
  /** ISO, seconds precision, by the emulator's clock. */
  deliveredAt: string;
  /** True only for an attempt asked for through the API; GitHub's own second try is not one. */
  redelivery: boolean;
  seconds: number;
  /** The receiver's HTTP status; 0 when nothing answered. */
  statusCode: number;
  event: string;
  action: string | null;
  installationId: number | null;
  repositoryId: number | null;
};

/** What is known of an attempt once it is over. */
export type AttemptOutcome = { deliveredAt: string; seconds: number; statusCode: number; redelivery: boolean };

/** The attempt an outcome records for `delivery`, its installation and repository read from the payload. */
export function attemptOf(id: number, delivery: Delivery, outcome: AttemptOutcome): DeliveryAttempt {
  return {
    id,
    guid: delivery.id,
    deliveredAt: outcome.deliveredAt,
    redelivery: outcome.redelivery,
    // GitHub reports durations to the hundredth of a second (0.27).
    seconds: Math.round(outcome.seconds * 100) / 100,
    statusCode: outcome.statusCode,
    event: delivery.event,
    action: delivery.action ?? null,
    installationId: idIn(delivery.payload["installation"]),
    repositoryId: idIn(delivery.payload["repository"]),
  };
}

function idIn(value: unknown): number | null {
  const id = typeof value === "object" && value !== null ? (value as { id?: unknown }).id : undefined;
  return typeof id === "number" ? id : null;
}

export type StatusFilter = "success" | "failure";

/**
 * Whether an attempt falls under the list's `status` filter. GitHub's description of the
 * parameter counts 200–399 as success and 400–599 as failure; an attempt nothing answered (0)
 * is counted a failure too, since GitHub's guide to failed deliveries calls every attempt whose
 * status is not "OK" failed, and it is the failure an App most needs to find.
 */
export function underStatusFilter(attempt: DeliveryAttempt, filter: StatusFilter): boolean {
  const success = attempt.statusCode >= 200 && attempt.statusCode < 400;
  return filter === "success" ? success : !success;
}

export function isStatusFilter(value: string): value is StatusFilter {
  return value === "success" || value === "failure";
}
