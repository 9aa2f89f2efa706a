// Which of the App's failed webhook deliveries to ask GitHub for again (github/webhook-deliveries.ts
// asks). A delivery the App never handled (it was down, killed mid-handling, or its handler failed
// on a 5xx) is an event lost for good unless asked for: a label that slung nothing, a command never
// answered. Every handler takes a delivery twice as once, so asking again is safe. Pure.
import type { DeliveryAttempt } from "../github/webhook-deliveries.js";

/** How far back the patrol clock looks: a delivery that failed longer ago is left for a person. */
export const REDELIVER_WITHIN_MS = 60 * 60_000;

/** Redeliveries asked for one delivery at most: one that keeps failing is a fault to fix, not to hammer. */
export const MOST_REDELIVERIES = 2;

/** The attempts to ask for again: for each delivery no attempt of which the App took (2xx), its latest, while it has redeliveries left. */
export function deliveriesToRedeliver(attempts: readonly DeliveryAttempt[]): number[] {
  const byDelivery = new Map<string, DeliveryAttempt[]>();
  for (const attempt of attempts) byDelivery.set(attempt.guid, [...(byDelivery.get(attempt.guid) ?? []), attempt]);
  const again: number[] = [];
  for (const tries of byDelivery.values()) {
    if (tries.some((attempt) => attempt.statusCode >= 200 && attempt.statusCode < 300)) continue;
    if (tries.filter((attempt) => attempt.redelivery).length >= MOST_REDELIVERIES) continue;
    const latest = tries.reduce((a, b) => (b.id > a.id ? b : a));
    again.push(latest.id);
  }
  // Oldest first, so the App takes them in the order they happened.
  return again.sort((a, b) => a - b);
}
