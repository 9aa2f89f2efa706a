import { describe, expect, it } from "vitest";
import { attemptStatus } from "../views/hook-delivery.js";
import { attemptOf, underStatusFilter } from "./delivery-attempts.js";
import type { Delivery } from "./deliveries.js";

const delivery: Delivery = {
  id: "guid-1",
  event: "push",
  action: undefined,
  payload: { installation: { id: 7 }, repository: { id: 9, full_name: "octo/town" } },
  body: "{}",
  headers: {},
  fate: "sent",
  statuses: [],
};

const attempt = (statusCode: number) => attemptOf(1, delivery, { deliveredAt: "2025-06-01T12:00:00Z", seconds: 0.271, statusCode, redelivery: false });

describe("a delivery attempt", () => {
  it("reads its installation and repository from the payload, its action null when the event has none", () => {
    expect(attempt(200)).toEqual({
      id: 1,
      guid: "guid-1",
      deliveredAt: "2025-06-01T12:00:00Z",
      redelivery: false,
      seconds: 0.27,
      statusCode: 200,
      event: "push",
      action: null,
      installationId: 7,
      repositoryId: 9,
    });
  });

  // https://docs.github.com/en/rest/apps/webhooks#list-deliveries-for-an-app-webhook (`status`)
  it.each([
    [200, "OK", "success"],
    [204, "OK", "success"],
    [302, "Invalid HTTP Response: 302", "success"],
    [404, "Invalid HTTP Response: 404", "failure"],
    [500, "Invalid HTTP Response: 500", "failure"],
    [0, "failed to connect", "failure"],
  ])("with status code %i reads %j and is a %s", (statusCode, status, outcome) => {
    expect(attemptStatus(statusCode)).toBe(status);
    expect(underStatusFilter(attempt(statusCode), "success")).toBe(outcome === "success");
    expect(underStatusFilter(attempt(statusCode), "failure")).toBe(outcome === "failure");
  });
});
