import { describe, expect, it } from "vitest";
import { charge } from "./rate-limit.js";

describe("charge", () => {
  it("counts within the hour and starts again after its reset", () => {
    const first = charge({}, "k", 2, 1_000);
    const second = charge(first.buckets, "k", 2, 1_500);
    const third = charge(second.buckets, "k", 2, 2_000);
    const afterReset = charge(third.buckets, "k", 2, 1_000 + 3_600);

    expect([first.headers["x-ratelimit-remaining"], second.headers["x-ratelimit-remaining"], third.exceeded]).toEqual(["1", "0", true]);
    expect(third.headers["x-ratelimit-reset"]).toBe("4600");
    expect([afterReset.exceeded, afterReset.headers["x-ratelimit-used"], afterReset.headers["x-ratelimit-reset"]]).toEqual([false, "1", "8200"]);
  });
});
