// Which failed deliveries the patrol clock asks GitHub for again: each one the App never took, at
// its latest attempt, oldest first, once the wait after its last attempt (doubled with each time it
// was asked for) is over.
import { describe, expect, it } from "vitest";
import type { DeliveryAttempt } from "../../app/github/webhook-deliveries.js";
import { deliveriesToRedeliver, FIRST_WAIT_MS } from "../../app/town/redeliveries.js";

const NOW = new Date("2026-12-04T12:00:00Z");
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();
const attempt = (id: number, guid: string, statusCode: number, at: string, redelivery = false): DeliveryAttempt =>
  ({ id, guid, deliveredAt: at, redelivery, statusCode, event: "issues" });

describe("deliveries to ask for again", () => {
  it("are those no attempt of which the App took, each at its latest attempt, oldest first", () => {
    const old = ago(60 * 60_000 - 1);
    expect(deliveriesToRedeliver([
      attempt(9, "c", 0, old),
      attempt(8, "b", 200, old, true),
      attempt(7, "a", 502, old, true),
      attempt(5, "b", 500, old),
      attempt(4, "a", 502, old),
      attempt(3, "d", 202, old),
      attempt(2, "e", 404, old),
    ], NOW)).toEqual([2, 7, 9]);
  });

  it("wait 30 seconds after a failure, then twice as long after each time they were asked for", () => {
    const first = [attempt(1, "a", 502, ago(FIRST_WAIT_MS - 1))];
    expect(deliveriesToRedeliver(first, NOW)).toEqual([]);
    expect(deliveriesToRedeliver([attempt(1, "a", 502, ago(FIRST_WAIT_MS))], NOW)).toEqual([1]);
    const askedThrice = [attempt(1, "a", 0, ago(10 * 60_000)), attempt(2, "a", 0, ago(9 * 60_000), true), attempt(3, "a", 0, ago(8 * 60_000), true)];
    expect(deliveriesToRedeliver([...askedThrice, attempt(4, "a", 502, ago(8 * FIRST_WAIT_MS - 1), true)], NOW)).toEqual([]);
    expect(deliveriesToRedeliver([...askedThrice, attempt(4, "a", 502, ago(8 * FIRST_WAIT_MS), true)], NOW)).toEqual([4]);
  });
});
