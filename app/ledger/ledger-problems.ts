// What is wrong with a ledger, as people read it: one `FILE:LINE: field: message` line per
// problem, and reports that stay short. A ledger can hold thousands of warnings of one kind (a
// dependency on a bead it lacks, copied into every bead), and a reader needs a few of each and
// how many more there are, not all of them.

export interface LedgerProblem {
  readonly file: string;
  /** 1-based line number. */
  readonly line: number;
  /** The field's path (`dependencies[2].type`); empty when the problem is the whole line. */
  readonly field: string;
  readonly message: string;
  /** A warning is something Beads itself tolerates: it never fails a read. */
  readonly severity: "error" | "warning";
  /** What a warning is about: a report shows a few of each kind and counts the rest. */
  readonly kind?: WarningKind;
}

/** A dependency on a bead the ledger lacks; beads that block one another in a loop. */
export const WARNING_KINDS = ["missing-target", "cycle"] as const;
export type WarningKind = (typeof WARNING_KINDS)[number];

const KIND_NOUNS: Readonly<Record<WarningKind, readonly [string, string]>> = {
  "missing-target": ["missing target", "missing targets"],
  cycle: ["blocking cycle", "blocking cycles"],
};

export function formatProblem(problem: LedgerProblem): string {
  const where = `${problem.file}:${problem.line}:`;
  const level = problem.severity === "warning" ? " warning:" : "";
  const field = problem.field ? ` ${problem.field}:` : "";
  return `${where}${level}${field} ${problem.message}`;
}

/** `1 missing target`, `4,312 blocking cycles`. */
export function countOf(kind: WarningKind, count: number): string {
  return counted(count, ...KIND_NOUNS[kind]);
}

/** The line that stands for warnings left out: `… and 4,312 more missing targets`. */
export function omittedLine(kind: WarningKind, count: number): string {
  const [one, many] = KIND_NOUNS[kind];
  return `… and ${counted(count, `more ${one}`, `more ${many}`)}`;
}

/** `1 bead`, `20,000 beads`. */
export function counted(count: number, one: string, many: string): string {
  return `${thousands(count)} ${count === 1 ? one : many}`;
}

/** 20000 as `20,000`, whatever the machine's locale. */
export function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

export interface CappedProblems {
  /** The problems to show, in the order given. */
  readonly shown: readonly LedgerProblem[];
  /** For each kind of warning that had more than the cap: how many were left out. */
  readonly omitted: readonly { readonly kind: WarningKind; readonly count: number }[];
}

/**
 * The first `perKind` warnings of each kind, and every problem that has no kind (errors: each
 * names a line someone has to fix).
 */
export function capWarnings(problems: readonly LedgerProblem[], perKind: number): CappedProblems {
  const seen = new Map<WarningKind, number>();
  const shown = problems.filter((problem) => {
    if (problem.kind === undefined) return true;
    const count = (seen.get(problem.kind) ?? 0) + 1;
    seen.set(problem.kind, count);
    return count <= perKind;
  });
  const omitted = [...seen].filter(([, count]) => count > perKind).map(([kind, count]) => ({ kind, count: count - perKind }));
  return { shown, omitted };
}

/**
 * At most `maxLines` lines: the first problems, and when there are more, a last line counting
 * the rest in their place (`… and 37 more errors`).
 */
export function problemSummary(problems: readonly LedgerProblem[], maxLines: number): string[] {
  if (problems.length <= maxLines) return problems.map(formatProblem);
  const shown = problems.slice(0, Math.max(0, maxLines - 1));
  // At least two: one would fit in the counting line's place.
  const rest = problems.slice(shown.length);
  const severities = new Set(rest.map((p) => p.severity));
  const noun = severities.size > 1 ? "problems" : severities.has("warning") ? "warnings" : "errors";
  return [...shown.map(formatProblem), `… and ${thousands(rest.length)} more ${noun}`];
}
