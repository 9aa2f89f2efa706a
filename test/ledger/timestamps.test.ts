import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareInstants, epochMillis, instant, instantKey, isTimestamp, toUtc } from "../../app/ledger/timestamps.js";

describe("isTimestamp", () => {
  it.each([
    "2026-04-18T16:19:12Z",
    "2025-12-25T13:32:09.696723-08:00",
    "2025-12-28T01:50:30.123456789Z",
    "2024-02-29T00:00:00+14:00",
    "0001-01-01T00:00:00Z",
  ])("accepts %s", (text) => expect(isTimestamp(text)).toBe(true));

  it.each([
    "2026-04-18",
    "2026-04-18 16:19:12Z",
    "2026-04-18T16:19:12",
    "2026-13-01T00:00:00Z",
    "2025-02-29T00:00:00Z",
    "2026-04-31T00:00:00Z",
    "2026-04-18T24:00:00Z",
    "2026-04-18T16:60:00Z",
    "2026-04-18T16:19:60Z",
    "2026-04-18T16:19:12.Z",
    "2026-04-18T16:19:12.1234567890Z",
    "2026-04-18T16:19:12+0800",
    "2026-04-18T16:19:12Zjunk",
    "2026-04-18t16:19:12z",
  ])("rejects %s", (text) => expect(isTimestamp(text)).toBe(false));
});

describe("toUtc", () => {
  it("moves a local offset to UTC and keeps every digit of the fraction", () => {
    expect(toUtc("2025-12-25T13:32:09.696723-08:00")).toBe("2025-12-25T21:32:09.696723Z");
    expect(toUtc("2025-12-31T23:30:00.000000001-01:00")).toBe("2026-01-01T00:30:00.000000001Z");
    expect(toUtc("2026-03-01T05:00:00+05:30")).toBe("2026-02-28T23:30:00Z");
  });

  it("drops trailing zeros of the fraction as Go's RFC3339Nano does", () => {
    expect(toUtc("2026-04-18T16:19:12.500Z")).toBe("2026-04-18T16:19:12.5Z");
    expect(toUtc("2026-04-18T16:19:12.000Z")).toBe("2026-04-18T16:19:12Z");
  });

  it("leaves UTC seconds and non-timestamps alone", () => {
    expect(toUtc("2026-04-18T16:19:12Z")).toBe("2026-04-18T16:19:12Z");
    expect(toUtc("yesterday")).toBe("yesterday");
  });

  it("keeps years below 100 literal", () => {
    expect(toUtc("0050-06-01T00:00:00+01:00")).toBe("0050-05-31T23:00:00Z");
  });
});

describe("comparing instants", () => {
  it("orders by instant, not by text", () => {
    // 13:00 at -08:00 is 21:00 UTC: later than 20:00Z though its text sorts first.
    expect(compareInstants("2025-12-25T13:00:00-08:00", "2025-12-25T20:00:00Z")).toBe(1);
    expect(compareInstants("2025-12-25T21:00:00Z", "2025-12-25T13:00:00-08:00")).toBe(0);
    expect(compareInstants("2025-12-25T21:00:00.1Z", "2025-12-25T21:00:00.09Z")).toBe(1);
  });

  it("puts a missing or malformed time first", () => {
    expect(compareInstants(undefined, "2025-12-25T21:00:00Z")).toBe(-1);
    expect(instantKey("nonsense")).toBe("");
  });

  it("gives epoch milliseconds", () => {
    expect(epochMillis("1970-01-01T00:00:01.2345Z")).toBe(1234);
    expect(epochMillis("1970-01-01T01:00:00+01:00")).toBe(0);
    expect(epochMillis("bad")).toBeUndefined();
  });
});

describe("instant", () => {
  it("is the instant JavaScript's own ISO parser reads, for every date, time and offset", () => {
    const two = (n: number) => String(n).padStart(2, "0");
    fc.assert(fc.property(
      fc.date({ min: new Date("0000-01-02T00:00:00Z"), max: new Date("9999-12-30T23:59:59Z"), noInvalidDate: true }),
      fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }),
      fc.constantFrom("", ".5", ".123", ".123456789"),
      (date, offset, fraction) => {
        const local = new Date(date.getTime() + offset * 60_000).toISOString().slice(0, 19);
        const sign = offset < 0 ? "-" : "+";
        const zone = offset === 0 ? "Z" : `${sign}${two(Math.floor(Math.abs(offset) / 60))}:${two(Math.abs(offset) % 60)}`;
        const text = `${local}${fraction}${zone}`;
        const ms = Date.parse(`${local}${fraction.slice(0, 4)}${zone}`);
        expect(instant(text)?.ms).toBe(ms);
      },
    ), { numRuns: 2000 });
  });
});

