import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { LedgerConfigError, parseLedgerConfig, renderLedgerConfig } from "../../app/ledger/ledger-config.js";

describe("parseLedgerConfig", () => {
  it("reads nested keys with comma-separated names", () => {
    expect(parseLedgerConfig('issue-prefix: "gt"\ntypes:\n  custom: "agent, convoy"\nstatus:\n  custom: "in_review:active,qa"\n'))
      .toEqual({ prefix: "gt", customTypes: ["agent", "convoy"], customStatuses: ["in_review", "qa"] });
  });

  it("reads dotted keys and lists", () => {
    expect(parseLedgerConfig("types.custom: [agent, rig]\nstatus.custom: [on_hold:frozen]\n"))
      .toEqual({ prefix: undefined, customTypes: ["agent", "rig"], customStatuses: ["on_hold"] });
  });

  it("treats an empty file as no configuration", () => {
    expect(parseLedgerConfig("")).toEqual({ prefix: undefined, customTypes: [], customStatuses: [] });
  });

  it("names the file, line and key of a mistake", () => {
    expect(() => parseLedgerConfig("types:\n  custom: {a: 1}\n", ".beads/config.yaml"))
      .toThrow(new LedgerConfigError(".beads/config.yaml: types.custom: must be a comma-separated string or a list of names"));
    expect(() => parseLedgerConfig("issue-prefix: [1]\n")).toThrow(".beads/config.yaml: issue-prefix: must be a string");
    expect(() => parseLedgerConfig("issue-prefix: a\nissue-prefix: b\n", "x/config.yaml"))
      .toThrow("x/config.yaml:2: Map keys must be unique");
    expect(() => parseLedgerConfig("- a\n")).toThrow(".beads/config.yaml:1: the file must be a mapping of keys to values");
  });

  it("renders the config a new ledger starts with, which reads back", () => {
    const text = renderLedgerConfig("shop");
    expect(text).toBe(readFileSync(new URL("../../examples/ledger/.beads/config.yaml", import.meta.url), "utf8"));
    expect(parseLedgerConfig(text)).toEqual({
      prefix: "shop",
      customTypes: ["agent", "role", "rig", "convoy", "merge-request", "slot", "event"],
      customStatuses: [],
    });
  });
});
