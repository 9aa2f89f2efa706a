// Which failed deliveries the patrol clock asks GitHub for again: each one the App never took, at
// its latest attempt, oldest first, until it has had its redeliveries.
import { describe, expect, it } from "vitest";
import type { DeliveryAttempt } from "../../app/github/webhook-deliveries.js";
import { deliveriesToRedeliver, MOST_REDELIVERIES } from "../../app/town/redeliveries.js";

const attempt = (id: number, guid: string, statusCode: number, redelivery = false): DeliveryAttempt =>
  ({ id, guid, deliveredAt: "2026-12-04T12:00:00Z", redelivery, statusCode, event: "issues" });

describe("deliveries to ask for again", () => {
  it("are those no attempt of which the App took, each at its latest attempt, oldest first", () => {
    expect(deliveriesToRedeliver([
      attempt(9, "c", 0),
      attempt(8, "b", 200, true),
      attempt(7, "a", 502, true),
      attempt(5, "b", 500),
      attempt(4, "a", 502),
      attempt(3, "d", 202),
      attempt(2, "e", 404),
    ])).toEqual([2, 7, 9]);
  });

  it("leave one that has had its redeliveries: it keeps failing, so it is a fault to fix", () => {
    const tries = [attempt(1, "a", 500), ...Array.from({ length: MOST_REDELIVERIES }, (_, i) => attempt(2 + i, "a", 500, true))];
    expect(deliveriesToRedeliver(tries)).toEqual([]);
    expect(deliveriesToRedeliver(tries.slice(0, -1))).toEqual([MOST_REDELIVERIES]);
  });
});
