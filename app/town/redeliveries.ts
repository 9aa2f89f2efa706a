// Which of the App's failed webhook deliveries to ask GitHub for again (github/webhook-deliveries.ts
// asks). A delivery the App never handled (it was down, killed mid-handling, or its handler failed
// on a 5xx) is an event lost for good unless asked for: a label that slung nothing, a command never
// answered. Every handler takes a delivery twice as once, so asking again is safe. Pure.
import type { DeliveryAttempt } from "../github/webhook-deliveries.js";

/** How far back the patrol clock looks: a delivery whose last attempt failed longer ago is given up. */
export const REDELIVER_WITHIN_MS = 60 * 60_000;

/**
 * The wait after a failed attempt before the delivery is asked for again, doubled with each time it
 * was asked for: 30 s, 1, 2, 4… minutes. A failure in an outage is tried again once it may be
 * over, and one that keeps failing (a fault to fix) a few times an hour, not at every tick.
 */
export const FIRST_WAIT_MS = 30_000;

/** The attempts to ask for again: for each delivery no attempt of which the App took (2xx), its latest, once its wait is over. */
export function deliveriesToRedeliver(attempts: readonly DeliveryAttempt[], now: Date): number[] {
  const byDelivery = new Map<string, DeliveryAttempt[]>();
  for (const attempt of attempts) byDelivery.set(attempt.guid, [...(byDelivery.get(attempt.guid) ?? []), attempt]);
  const again: number[] = [];
  for (const tries of byDelivery.values()) {
    if (tries.some((attempt) => attempt.statusCode >= 200 && attempt.statusCode < 300)) continue;
    const latest = tries.reduce((a, b) => (b.id > a.id ? b : a));
    const asked = tries.filter((attempt) => attempt.redelivery).length;
    if (now.getTime() - Date.parse(latest.deliveredAt) >= FIRST_WAIT_MS * 2 ** asked) again.push(latest.id);
  }
  // Oldest first, so the App takes them in the order they happened.
  return again.sort((a, b) => a - b);
}
