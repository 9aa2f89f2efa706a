// The bead record of `.beads/issues.jsonl`, as Beads defines it (`internal/types/types.go`)
// plus the legacy fields older files carry. Objects are loose: a field this schema does not
// know is kept as it was, since Beads and its tools add fields over time.
import { z } from "zod";
import { isTimestamp } from "./timestamps.js";

export const BUILTIN_STATUSES = [
  "open", "in_progress", "blocked", "deferred", "closed", "pinned", "hooked",
] as const;
/** Written by Beads up to v0.50 for a deleted record; `bd import` skips such lines. */
export const TOMBSTONE = "tombstone";

export const BUILTIN_TYPES = [
  "bug", "feature", "task", "epic", "chore", "decision", "message", "molecule", "gate", "spike",
  "story", "milestone", "event",
] as const;
/** Spellings `bd` accepts for a built-in type. */
export const TYPE_ALIASES: Readonly<Record<string, string>> = {
  enhancement: "feature", feat: "feature", dec: "decision", adr: "decision",
  investigation: "spike", timebox: "spike", "user-story": "story", ms: "milestone",
};
/** Gas Town's own types: custom to Beads, so the ledger's config lists them in `types.custom`. */
export const GASTOWN_TYPES = [
  "agent", "role", "rig", "convoy", "merge-request", "slot", "event",
] as const;

export const BLOCKING_DEPENDENCY_TYPES = [
  "blocks", "parent-child", "conditional-blocks", "waits-for",
] as const;

const WISP_TYPES = [
  "heartbeat", "ping", "patrol", "gc_report", "recovery", "error", "escalation",
] as const;
const BOND_TYPES = ["sequential", "parallel", "conditional", "root"] as const;
const MOL_TYPES = ["swarm", "patrol", "work"] as const;
const WORK_TYPES = ["mutex", "open_competition"] as const;

const timestamp = z.string().refine(isTimestamp, {
  message: "must be an RFC 3339 timestamp such as 2026-04-18T16:19:12Z",
});
const nonNegativeInt = z.number().int().nonnegative();

export const dependencySchema = z.looseObject({
  issue_id: z.string().min(1),
  depends_on_id: z.string().min(1),
  type: z.string().min(1).max(50),
  created_at: timestamp.optional(),
  created_by: z.string().optional(),
  metadata: z.string().optional(),
  thread_id: z.string().optional(),
});

export const commentSchema = z.looseObject({
  // A UUID since Beads 1.0; an integer before.
  id: z.union([z.string(), z.number().int()]).optional(),
  issue_id: z.string().optional(),
  author: z.string(),
  text: z.string(),
  created_at: timestamp,
});

const bondSchema = z.looseObject({
  source_id: z.string().optional(),
  // The pre-1.0 name of `source_id`.
  proto_id: z.string().optional(),
  bond_type: z.enum(BOND_TYPES),
  bond_point: z.string().optional(),
});

/** The fields every bead has, whatever the ledger's configuration. */
const beadShape = {
  _type: z.literal("issue").optional(),
  id: z.string().min(1),
  title: z.string(),
  description: z.string().optional(),
  design: z.string().optional(),
  acceptance_criteria: z.string().optional(),
  notes: z.string().optional(),
  spec_id: z.string().optional(),
  status: z.string().optional(),
  priority: z.number().int().min(0).max(4).optional(),
  issue_type: z.string().optional(),
  assignee: z.string().optional(),
  owner: z.string().optional(),
  estimated_minutes: nonNegativeInt.optional(),
  created_at: timestamp,
  created_by: z.string().optional(),
  updated_at: timestamp,
  started_at: timestamp.optional(),
  closed_at: timestamp.optional(),
  close_reason: z.string().optional(),
  closed_by_session: z.string().optional(),
  due_at: timestamp.optional(),
  defer_until: timestamp.optional(),
  external_ref: z.string().optional(),
  source_system: z.string().optional(),
  metadata: z.unknown().optional(),
  compaction_level: nonNegativeInt.optional(),
  compacted_at: timestamp.optional(),
  compacted_at_commit: z.string().optional(),
  original_size: nonNegativeInt.optional(),
  labels: z.array(z.string()).optional(),
  dependencies: z.array(dependencySchema).optional(),
  comments: z.array(commentSchema).optional(),
  sender: z.string().optional(),
  ephemeral: z.boolean().optional(),
  no_history: z.boolean().optional(),
  wisp_type: z.enum(WISP_TYPES).optional(),
  pinned: z.boolean().optional(),
  is_template: z.boolean().optional(),
  bonded_from: z.array(bondSchema).optional(),
  await_type: z.string().optional(),
  await_id: z.string().optional(),
  // Go's time.Duration: integer nanoseconds.
  timeout: z.number().int().optional(),
  waiters: z.array(z.string()).optional(),
  source_formula: z.string().optional(),
  source_location: z.string().optional(),
  mol_type: z.enum(MOL_TYPES).optional(),
  work_type: z.enum(WORK_TYPES).optional(),
  event_kind: z.string().optional(),
  actor: z.string().optional(),
  target: z.string().optional(),
  payload: z.string().optional(),
  // Legacy (Beads ≤ 0.50): tombstones and the ephemeral flag's old name.
  deleted_at: timestamp.optional(),
  deleted_by: z.string().optional(),
  delete_reason: z.string().optional(),
  original_type: z.string().optional(),
  wisp: z.boolean().optional(),
};

export const beadSchema = z.looseObject(beadShape);

export type Bead = Readonly<z.infer<typeof beadSchema>>;
export type Dependency = Readonly<z.infer<typeof dependencySchema>>;
export type Comment = Readonly<z.infer<typeof commentSchema>>;

/**
 * Field order of `bd export` (the order Go's encoding/json writes `types.Issue`), with the
 * legacy fields where Beads 0.49 wrote them. Fields not listed follow in their original order.
 */
export const EXPORT_FIELD_ORDER: readonly string[] = [
  "_type", "id", "title", "description", "design", "acceptance_criteria", "notes", "spec_id",
  "status", "priority", "issue_type", "assignee", "owner", "estimated_minutes", "created_at",
  "created_by", "updated_at", "started_at", "closed_at", "close_reason", "closed_by_session",
  "due_at", "defer_until", "external_ref", "source_system", "metadata", "compaction_level",
  "compacted_at", "compacted_at_commit", "original_size", "labels", "dependencies", "comments",
  "deleted_at", "deleted_by", "delete_reason", "original_type", "sender", "ephemeral",
  "no_history", "wisp_type", "pinned", "is_template", "bonded_from", "await_type", "await_id",
  "timeout", "waiters", "source_formula", "source_location", "mol_type", "work_type",
  "event_kind", "actor", "target", "payload",
];

/** Counts `bd export` derives from the relations; never stored, so `fmt` drops them. */
export const EXPORT_ONLY_FIELDS: readonly string[] = [
  "dependency_count", "dependent_count", "comment_count",
];

/** Every field that holds a timestamp, for normalising to UTC. */
export const TIMESTAMP_FIELDS: readonly string[] = [
  "created_at", "updated_at", "started_at", "closed_at", "due_at", "defer_until",
  "compacted_at", "deleted_at",
];

export function beadStatus(bead: Bead): string {
  return bead.status || "open";
}

export function beadType(bead: Bead): string {
  const type = bead.issue_type || "task";
  return TYPE_ALIASES[type] ?? type;
}

export function isEphemeral(bead: Bead): boolean {
  return bead.ephemeral === true || bead.wisp === true;
}
