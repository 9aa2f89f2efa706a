// Small builders for beads in tests: every field a test does not care about has a sane value.
import type { Bead } from "../../app/ledger/bead-schema.js";

export const T0 = "2026-01-01T00:00:00Z";

export function bead(id: string, fields: Record<string, unknown> = {}): Bead {
  return {
    id,
    title: `Bead ${id}`,
    status: "open",
    priority: 2,
    issue_type: "task",
    created_at: T0,
    updated_at: T0,
    ...fields,
  } as Bead;
}

export function jsonl(records: readonly object[]): string {
  return records.map((record) => JSON.stringify(record) + "\n").join("");
}
