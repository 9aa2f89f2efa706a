// The heartbeat in a check run's summary (DESIGN §7): read when it follows the contract, and
// nothing trusted from one that does not.
import { describe, expect, it } from "vitest";
import { heartbeatExternalId, heartbeatMarker, parseHeartbeat } from "../../app/town/heartbeat.js";

const beat = (json: string, rest = "\n\nPolecat **furiosa** is working.") => `<!-- gastown:heartbeat ${json} -->${rest}`;

describe("reading a heartbeat", () => {
  it("reads the time, state, step and attempt", () => {
    expect(parseHeartbeat(beat('{"at":"2026-11-24T11:57:00Z","state":"working","step":"implement","attempt":2}'))).toEqual({
      at: new Date("2026-11-24T11:57:00Z"), state: "working", step: "implement", attempt: 2,
    });
    expect(parseHeartbeat(beat('{"at":"2026-11-24T11:57:00.123Z","state":"done","step":3}'))).toEqual({
      at: new Date("2026-11-24T11:57:00.123Z"), state: "done", step: 3,
    });
    // An offset is a time like any other; leading whitespace before the marker is allowed.
    expect(parseHeartbeat(`\n  ${beat('{"at":"2026-11-24T12:57:00+01:00"}')}`)).toEqual({ at: new Date("2026-11-24T11:57:00Z") });
  });

  it("reads the agent's last progress, and writes the marker it reads", () => {
    const heartbeat = { at: new Date("2026-11-24T11:57:00Z"), progressAt: new Date("2026-11-24T11:50:30Z"), state: "working" as const, step: "implement", attempt: 2 };
    const marker = heartbeatMarker(heartbeat);
    expect(marker).toBe(
      '<!-- gastown:heartbeat {"at":"2026-11-24T11:57:00.000Z","progress_at":"2026-11-24T11:50:30.000Z","state":"working","step":"implement","attempt":2} -->',
    );
    expect(parseHeartbeat(`${marker}\n\nWorking on implement.`)).toEqual(heartbeat);
    expect(parseHeartbeat(beat('{"at":"2026-11-24T11:57:00Z","progress_at":"soon"}'))).toEqual({ at: heartbeat.at });
  });

  it("reads what a sandboxed run spent, by its model proxy, and drops a figure that is not a count or an amount", () => {
    const heartbeat = { at: new Date("2026-11-24T11:57:00Z"), state: "working" as const, step: "implement", attempt: 1, spent: { turns: 12, costUsd: 0.4216 } };
    const marker = heartbeatMarker(heartbeat);
    expect(marker).toBe(
      '<!-- gastown:heartbeat {"at":"2026-11-24T11:57:00.000Z","progress_at":"2026-11-24T11:57:00.000Z","state":"working","step":"implement","attempt":1,"spent":{"turns":12,"cost_usd":0.4216}} -->',
    );
    expect(parseHeartbeat(marker)?.spent).toEqual({ turns: 12, costUsd: 0.4216 });
    for (const spent of ['{"turns":-1,"cost_usd":1}', '{"turns":1.5,"cost_usd":1}', '{"turns":1,"cost_usd":"1"}', '{"turns":1,"cost_usd":1e9}', "[1,2]"]) {
      expect(parseHeartbeat(beat(`{"at":"2026-11-24T11:57:00Z","spent":${spent}}`))).toEqual({ at: new Date("2026-11-24T11:57:00Z") });
    }
  });

  it("takes every state of the contract", () => {
    for (const state of ["working", "stuck", "done", "crashed"]) {
      expect(parseHeartbeat(beat(`{"at":"2026-11-24T11:57:00Z","state":"${state}"}`))?.state).toBe(state);
    }
  });

  it("is none without the marker at the start, or without a time it can read", () => {
    for (const summary of [
      undefined, null, 42, "", "no heartbeat here",
      `Summary first. ${beat('{"at":"2026-11-24T11:57:00Z"}')}`,
      "<!-- gastown:heartbeat {\"at\":\"2026-11-24T11:57:00Z\"}",
      beat("not json"), beat("[1,2]"), beat("null"), beat('"2026-11-24T11:57:00Z"'),
      beat("{}"), beat('{"at":1764000000000}'), beat('{"at":"yesterday"}'), beat('{"at":"2026-11-24"}'),
      beat('{"at":"2026-13-45T99:99:99Z"}'), beat('{"at":"2026-11-24T11:57:00Z\\u0000"}'),
    ]) {
      expect(parseHeartbeat(summary), String(summary)).toBeUndefined();
    }
  });

  it("leaves out fields that are not what the contract says, keeping the time", () => {
    const at = new Date("2026-11-24T11:57:00Z");
    expect(parseHeartbeat(beat('{"at":"2026-11-24T11:57:00Z","state":"dancing","step":"<img src=x>","attempt":-1}'))).toEqual({ at });
    expect(parseHeartbeat(beat('{"at":"2026-11-24T11:57:00Z","state":["working"],"step":0,"attempt":1.5}'))).toEqual({ at });
    expect(parseHeartbeat(beat('{"at":"2026-11-24T11:57:00Z","step":10001,"attempt":"2"}'))).toEqual({ at });
    expect(parseHeartbeat(beat(`{"at":"2026-11-24T11:57:00Z","step":"${"s".repeat(101)}"}`))).toEqual({ at });
    expect(parseHeartbeat(beat('{"at":"2026-11-24T11:57:00Z","step":"`code`"}'))).toEqual({ at });
    expect(parseHeartbeat(beat('{"at":"2026-11-24T11:57:00Z","step":10000,"attempt":9007199254740991}'))).toEqual({ at, step: 10000, attempt: 9007199254740991 });
  });

  it("reads only the start of a long summary", () => {
    expect(parseHeartbeat(beat('{"at":"2026-11-24T11:57:00Z"}', "x".repeat(70_000)))).toEqual({ at: new Date("2026-11-24T11:57:00Z") });
    expect(parseHeartbeat(beat(`{"at":"2026-11-24T11:57:00Z","pad":"${"x".repeat(5000)}"}`))).toBeUndefined();
  });

  it("names the check run of an attempt", () => {
    expect(heartbeatExternalId("town-a1b", 2)).toBe("town-a1b@2");
  });
});
