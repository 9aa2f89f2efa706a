import fc from "fast-check";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { beadSchema, EXPORT_FIELD_ORDER } from "../../app/ledger/bead-schema.js";
import { compileSchemaCheck } from "../../app/ledger/compile-schema-check.js";
import { bead } from "./ledger-builders.js";

const matches = compileSchemaCheck(beadSchema);
const zodSays = (value: unknown) => beadSchema.safeParse(value).success;

// Values near the edges of what the schema accepts: right and wrong types, ranges, enums.
const edgeValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    "", "x", "issue", "memory", "open", "root", "weird", "heartbeat", "swarm", "mutex",
    "2026-01-01T00:00:00Z", "2025-12-25T13:32:09.696723-08:00", "2026-02-30T00:00:00Z",
  ),
  fc.constantFrom(0, 4, 5, -1, 1.5, Number.MAX_SAFE_INTEGER + 2, true, false, null),
  fc.string(),
  fc.integer({ min: -3, max: 600 }),
  fc.constantFrom(
    [], ["a"], [1], [{}],
    [{ issue_id: "a", depends_on_id: "b", type: "blocks" }],
    [{ issue_id: "a", depends_on_id: "b", type: "x".repeat(51) }],
    [{ author: "a", text: "t", created_at: "2026-01-01T00:00:00Z", id: 4 }],
    [{ author: "a", text: "t", created_at: "2026-01-01T00:00:00Z", id: 4.5 }],
    [{ source_id: "f@1", bond_type: "root" }], [{ bond_type: "nope" }],
    { gastown: { molecule: "gt-mol-1" } },
  ),
);

const record = fc.record({
  base: fc.constant(bead("gt-1")),
  changes: fc.dictionary(fc.constantFrom(...EXPORT_FIELD_ORDER, "deleted_at", "wisp", "mystery"), edgeValue, { maxKeys: 4 }),
  drop: fc.subarray(["id", "title", "created_at", "updated_at", "priority"]),
}).map(({ base, changes, drop }) => {
  const out: Record<string, unknown> = { ...base, ...changes };
  for (const key of drop) delete out[key];
  return out;
});

describe("the compiled check agrees with zod", () => {
  it("on generated records", () => {
    fc.assert(fc.property(record, (value) => matches(value) === zodSays(value)), { numRuns: 3000 });
  });

  it("on every record of the real ledgers", () => {
    for (const name of ["beads-v0.44.0-issues.jsonl", "beads-v1.0.5-export.jsonl"]) {
      const text = readFileSync(new URL(`../fixtures/beads/${name}`, import.meta.url), "utf8");
      for (const line of text.trimEnd().split("\n")) {
        const value: unknown = JSON.parse(line);
        expect(matches(value)).toBe(zodSays(value));
        expect(matches(value)).toBe(true);
      }
    }
  });

  it("on values that are not objects", () => {
    for (const value of [null, [], "x", 1, undefined]) expect(matches(value)).toBe(zodSays(value));
  });

  it("refuses a schema it cannot compile rather than guess", () => {
    expect(() => compileSchemaCheck(z.object({ a: z.string() }).strict())).toThrow("only loose objects are supported");
    expect(() => compileSchemaCheck(z.object({ d: z.date() }))).toThrow('d: unsupported schema type "date"');
    expect(() => compileSchemaCheck(z.string().email())).toThrow('unsupported check "string_format"');
  });
});
