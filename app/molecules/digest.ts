// A digest: the one-line record an ended molecule (a polecat's work, a patrol cycle) or a
// landed pull request leaves in `.beads/digests/YYYY-MM.jsonl` after its steps are squashed
// away. The schema is strict, since a misspelt field in an append-only file would otherwise be
// carried forever unnoticed; the id is worked out from what the digest is about, so writing
// the same digest twice can be recognised and skipped.
import { z } from "zod";
import { compareInstants, isTimestamp, toUtc } from "../ledger/timestamps.js";
import type { FieldProblem } from "../ledger/validate-bead.js";

export const DIGEST_KINDS = ["work", "patrol", "merge"] as const;
export type DigestKind = (typeof DIGEST_KINDS)[number];

/** `owner/repo` as GitHub spells them: owners are letters, digits and `-`. */
const RIG = /^[A-Za-z0-9][A-Za-z0-9-]*\/[A-Za-z0-9._-]+$/;

const timestamp = z.string().refine(isTimestamp, {
  message: "must be an RFC 3339 timestamp such as 2026-04-18T16:19:12Z",
});
const count = z.number().int().min(0);
const name = z.string().min(1);

const digestShape = {
  /**
   * `work:<molecule>`, `patrol:<molecule>` or `merge:<owner>/<repo>#<pr>` (see digestId): the
   * same event always gives the same id, so a digest already in the file is not written again.
   */
  id: name,
  /** `work`: a polecat's molecule; `patrol`: one patrol cycle; `merge`: a PR the refinery landed. */
  kind: z.enum(DIGEST_KINDS),
  /** The molecule root's id; null for a merge digest that has none. */
  molecule: name.nullable(),
  /**
   * The formula the molecule was poured from, as its root's `bonded_from` names it:
   * `<name>@<version>`. Not checked further, so a molecule Beads poured (its proto's id) can end.
   */
  formula: name.nullable(),
  /** The work bead the molecule did. */
  bead: name.nullable(),
  /** The polecat's name, or the patrol's role (witness, refinery, …). */
  agent: name.nullable(),
  /** The repository, `owner/repo`. */
  rig: z.string().regex(RIG, "must be owner/repo, such as octo-org/widgets").nullable(),
  /** When the molecule was poured, the patrol began, or the refinery took the PR up. */
  started_at: timestamp,
  /** When it ended; never before `started_at`. The UTC month of this instant names the file. */
  finished_at: timestamp,
  /**
   * How it ended. Work: COMPLETED, BLOCKED, REFACTOR, ESCALATE or ABANDONED; patrol: OK;
   * merge: MERGED. A string rather than a closed list, so a later exit can still be read.
   */
  exit: name.nullable(),
  /** The molecule's steps. */
  steps_total: count,
  /** Steps closed as done before the squash; not those the squash itself closed. */
  steps_done: count,
  /** Runs it took: a work bead's dispatch attempts (1 when the first run finished it). */
  attempts: count,
  /** Commits on the branch; null when not known (as for every count below). */
  commits: count.nullable(),
  files_changed: count.nullable(),
  lines_added: count.nullable(),
  lines_removed: count.nullable(),
  /** The pull request's number. */
  pr: z.number().int().min(1).nullable(),
  /** When the PR was merged; null while it is not. */
  merged_at: timestamp.nullable(),
  /** What the agent's model calls cost, in US dollars. */
  cost_usd: z.number().min(0).nullable(),
  /** The agent's turns. */
  turns: count.nullable(),
  /** A few sentences on what was done, for people reading the history. */
  summary: z.string(),
};

// Checks across fields. Zod runs them once every field has the right type, even when a value
// is out of range (an empty string, a bad timestamp), so those are guarded here.
export const DigestSchema = z.strictObject(digestShape).superRefine((digest, ctx) => {
  const problem = (field: keyof typeof digestShape, message: string, showValue = true) =>
    ctx.addIssue({ code: "custom", path: [field], message, input: digest[field], params: { showValue } });
  const expectId = (id: string, from: string) => {
    if (digest.id !== id) problem("id", `must be ${JSON.stringify(id)}, made from its ${from}`);
  };
  if (digest.steps_done > digest.steps_total) {
    problem("steps_done", `must be at most steps_total, ${digest.steps_total}`);
  }
  // A bad timestamp is reported on its own; only two good ones can be compared.
  if (
    isTimestamp(digest.started_at) && isTimestamp(digest.finished_at) &&
    compareInstants(digest.finished_at, digest.started_at) < 0
  ) {
    problem("finished_at", `must not be before started_at, ${digest.started_at}`);
  }
  if (digest.kind === "merge") {
    if (digest.rig === null) problem("rig", "is required for a merge digest", false);
    if (digest.pr === null) problem("pr", "is required for a merge digest", false);
    if (digest.merged_at === null) problem("merged_at", "is required for a merge digest", false);
    if (digest.rig !== null && digest.pr !== null) {
      expectId(digestId("merge", { repo: digest.rig, pr: digest.pr }), "kind, rig and pr");
    }
  } else if (digest.molecule === null) {
    problem("molecule", `is required for a ${digest.kind} digest`, false);
  } else if (digest.molecule !== "") {
    expectId(digestId(digest.kind, digest.molecule), "kind and molecule");
  }
});

export type Digest = z.infer<typeof DigestSchema>;

/** Every field, in the order a digest line is written. */
export const DIGEST_FIELDS = Object.keys(digestShape) as readonly (keyof Digest)[];

/** The pull request a merge digest is about. */
export interface PullRef {
  /** `owner/repo`. */
  readonly repo: string;
  readonly pr: number;
}

/**
 * A digest's id, made from what it is about so that the same molecule or PR always gets the
 * same one: `work:<molecule>`, `patrol:<molecule>`, `merge:<owner>/<repo>#<pr>`.
 */
export function digestId(kind: "work" | "patrol", molecule: string): string;
export function digestId(kind: "merge", pull: PullRef): string;
export function digestId(kind: DigestKind, of: string | PullRef): string;
export function digestId(kind: DigestKind, of: string | PullRef): string {
  if (kind === "merge") {
    if (typeof of === "string") throw new Error("a merge digest's id is made from {repo, pr}, not a molecule id");
    return `merge:${of.repo}#${of.pr}`;
  }
  if (typeof of !== "string" || of === "") throw new Error(`a ${kind} digest's id is made from its molecule id`);
  return `${kind}:${of}`;
}

/** A digest that does not match the schema: its problems, one `field: message` a line. */
export class DigestError extends Error {
  constructor(readonly problems: readonly FieldProblem[]) {
    super(problems.map((p) => (p.field ? `${p.field}: ${p.message}` : p.message)).join("\n"));
    this.name = "DigestError";
  }
}

/** Every field of a digest, as the caller knows them: the id is worked out from them. */
export type DigestInput = Omit<Digest, "id">;

/**
 * The digest for `input`: its id made by digestId, its timestamps in UTC (`Z`), its fields in
 * the schema's order. Throws a DigestError when the result would not be a valid digest.
 */
export function buildDigest(input: DigestInput): Digest {
  const candidate = {
    ...input,
    id: idFor(input),
    started_at: toUtc(input.started_at),
    finished_at: toUtc(input.finished_at),
    merged_at: input.merged_at === null ? null : toUtc(input.merged_at),
  };
  const parsed = DigestSchema.safeParse(candidate);
  if (parsed.success) return inFieldOrder(parsed.data);
  // Without its molecule (or rig and pr) there is no id: say what is missing, not that.
  const problems = schemaProblems(parsed.error, candidate);
  throw new DigestError(candidate.id === "" ? problems.filter((p) => p.field !== "id") : problems);
}

/** The id `input` should have; "" when the fields it is made from are missing. */
function idFor(input: DigestInput): string {
  if (input.kind === "merge") {
    return input.rig === null || input.pr === null ? "" : digestId("merge", { repo: input.rig, pr: input.pr });
  }
  return input.molecule === null || input.molecule === "" ? "" : digestId(input.kind, input.molecule);
}

/** One line of JSON, fields in the schema's order, ending in `\n`. Throws a DigestError when
 * `digest` is not valid, so an append-only file never receives a line it cannot read back. */
export function digestLine(digest: Digest): string {
  return `${JSON.stringify(inFieldOrder(checkedDigest(digest)))}\n`;
}

function checkedDigest(record: unknown): Digest {
  const parsed = DigestSchema.safeParse(record);
  if (!parsed.success) throw new DigestError(schemaProblems(parsed.error, record));
  return parsed.data;
}

function inFieldOrder(digest: Digest): Digest {
  const ordered: Record<string, unknown> = {};
  for (const field of DIGEST_FIELDS) ordered[field] = digest[field];
  return ordered as Digest;
}

/** Every problem with `record` as a digest; an empty list means it is one. */
export function digestProblems(record: unknown): FieldProblem[] {
  const parsed = DigestSchema.safeParse(record);
  return parsed.success ? [] : schemaProblems(parsed.error, record);
}

const UNKNOWN_FIELD = "unknown field (a digest's fields are listed in docs/digests.md)";

const EXPECTED: Readonly<Record<string, string>> = {
  int: "an integer", number: "a number", string: "a string", object: "an object",
};

/** Fields whose value may also be null, and those that hold integers, so a message can say so. */
const NULLABLE = new Set<string>();
const INTEGER = new Set<string>();
for (const [field, schema] of Object.entries(digestShape)) {
  const inner = schema instanceof z.ZodNullable ? schema.unwrap() : schema;
  if (inner !== schema) NULLABLE.add(field);
  if (inner instanceof z.ZodNumber && inner.format === "safeint") INTEGER.add(field);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  // JSON would write NaN and Infinity as null, which is not what was given.
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  return JSON.stringify(value);
}

function schemaProblems(error: z.ZodError, record: unknown): FieldProblem[] {
  return error.issues.flatMap((issue): FieldProblem[] => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({ field: key, message: UNKNOWN_FIELD }));
    }
    const field = issue.path.map(String).join(".");
    return [{ field, message: issueMessage(issue, field, record) }];
  });
}

/** Zod's issue in words a person reading the file can act on. */
function issueMessage(issue: z.core.$ZodIssue, field: string, record: unknown): string {
  const value = field && typeof record === "object" && record !== null
    ? (record as Record<string, unknown>)[field]
    : record;
  if (field === "" && issue.code === "invalid_type") return "a digest must be a JSON object";
  if (value === undefined) return "is required";
  const got = ` (got ${describe(value)})`;
  switch (issue.code) {
    case "invalid_type": {
      const expected = INTEGER.has(field) ? "int" : issue.expected;
      const orNull = NULLABLE.has(field) ? " or null" : "";
      return `must be ${EXPECTED[expected] ?? expected}${orNull}${got}`;
    }
    case "too_small":
      return issue.origin === "string" ? "must not be empty" : `must be at least ${issue.minimum}${got}`;
    case "too_big":
      return `must be at most ${issue.maximum}${got}`;
    case "invalid_value":
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}${got}`;
    case "custom":
      return issue.params?.["showValue"] === false ? issue.message : `${issue.message}${got}`;
    default:
      return `${issue.message}${got}`;
  }
}
