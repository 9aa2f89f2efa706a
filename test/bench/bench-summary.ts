// One table for every bench's lines: each case's figure, its ratio to a baseline where the bench
// measured one (a bare parse, the listed minimum of requests, the information bound), its target
// and pass or fail beside it. The benches print one JSON object a case; this reads those objects
// whatever their bench, so a new case shows up without a change here. Pure.

export interface BenchRow {
  readonly bench: string;
  readonly case: string;
  readonly figure: string;
  /** The figure over its baseline, as `1.25x`; empty where there is none. */
  readonly ratio: string;
  readonly target: string;
  /** `pass` or `fail` where the case has a target, else `-`. */
  readonly result: "pass" | "fail" | "-";
}

type BenchLine = Readonly<Record<string, unknown>>;

const num = (line: BenchLine, key: string): number | undefined => (typeof line[key] === "number" ? line[key] : undefined);
const times = (ratio: number) => `${Math.round(ratio * 100) / 100}x`;

/** What the case measured, in a few words: its main number and what it is set against. */
function figureOf(line: BenchLine): string {
  const ms = num(line, "ms");
  const requests = num(line, "requests");
  const minimum = num(line, "minimum_requests") ?? num(line, "at_most") ?? num(line, "minimum");
  const rest = num(line, "rest_requests");
  const perSecond = num(line, "deliveries_per_s");
  const sandboxed = num(line, "sandboxed_median_ms");
  const runsPerLanded = num(line, "runs_per_landed_pr");
  if (ms !== undefined) return `${ms} ms`;
  if (rest !== undefined) {
    return `${rest} REST + ${num(line, "git_requests")} git requests (minimum ${num(line, "rest_minimum")} + ${num(line, "git_minimum")})`;
  }
  if (requests !== undefined) {
    const charged = num(line, "charged_to_rate_limit");
    const against = minimum === undefined ? "" : ` (${line["at_most"] === undefined ? "minimum" : "at most"} ${minimum})`;
    return `${requests} requests${against}${charged === undefined ? "" : `, ${charged} charged`}`;
  }
  if (perSecond !== undefined) return `${perSecond} deliveries/s, mean ${num(line, "mean_ms")} ms`;
  if (sandboxed !== undefined) return `${sandboxed} ms sandboxed, ${num(line, "plain_median_ms")} ms plainly`;
  if (runsPerLanded !== undefined) return `${line["strategy"]}: ${runsPerLanded} CI runs per landed PR, mean ${num(line, "mean_T_to_land")} T to land`;
  return Object.entries(line)
    .filter(([key, value]) => typeof value === "number" && key !== "beads")
    .slice(0, 3)
    .map(([key, value]) => `${key.replaceAll("_", " ")} ${value as number}`)
    .join(", ");
}

/** The figure against its baseline, where the bench measured one. */
function ratioOf(line: BenchLine): string {
  const ratio = num(line, "ratio");
  if (ratio !== undefined) return times(ratio);
  const requests = num(line, "requests");
  const minimum = num(line, "minimum_requests") ?? num(line, "at_most") ?? num(line, "minimum");
  if (requests !== undefined && minimum !== undefined && minimum > 0) return times(requests / minimum);
  const rest = num(line, "rest_requests");
  const restMinimum = num(line, "rest_minimum");
  const git = num(line, "git_requests");
  const gitMinimum = num(line, "git_minimum");
  if (rest !== undefined && restMinimum !== undefined && git !== undefined && gitMinimum !== undefined) return times((rest + git) / (restMinimum + gitMinimum));
  const runsPerPr = num(line, "runs_per_pr");
  const bound = num(line, "bound_runs_per_pr");
  if (runsPerPr !== undefined && bound !== undefined && bound > 0) return `${times(runsPerPr / bound)} the H(p) bound`;
  return "";
}

/** The case's name, with what tells apart the lines a bench prints under one name. */
function caseOf(line: BenchLine): string {
  const name = String(line["case"] ?? "?");
  if (typeof line["kind"] === "string") return `${name}: ${line["kind"]}`;
  const p = num(line, "p");
  const load = num(line, "arrivals_per_T");
  if (p !== undefined && load !== undefined) return `${name}, ${load} PRs per CI time, ${p * 100}% failing`;
  return name;
}

export function benchRow(bench: string, line: BenchLine): BenchRow {
  const result = line["result"] === "pass" || line["result"] === "fail" ? line["result"] : "-";
  const target = typeof line["target"] === "string" && !line["target"].startsWith("(no target") ? line["target"] : "";
  const error = typeof line["error"] === "string" ? `error: ${line["error"]}` : undefined;
  return {
    bench,
    case: caseOf(line),
    figure: error ?? figureOf(line),
    ratio: ratioOf(line),
    target,
    // A case that ended in an error fails, whatever else it says.
    result: error === undefined ? result : "fail",
  };
}

/** The rows as a Markdown table, so it reads in a terminal and pastes into an issue. */
export function benchTable(rows: readonly BenchRow[]): string {
  const cell = (text: string) => text.replaceAll("|", "\\|");
  return [
    "| bench | case | figure | ratio | target | result |",
    "|---|---|---|---|---|---|",
    ...rows.map((row) => `| ${[row.bench, row.case, row.figure, row.ratio, row.target, row.result].map(cell).join(" | ")} |`),
  ].join("\n");
}

/** `passed` when every row with a target passed; the failing cases otherwise. */
export function benchVerdict(rows: readonly BenchRow[]): { passed: boolean; failed: readonly string[] } {
  const failed = rows.filter((row) => row.result === "fail").map((row) => `${row.bench}: ${row.case}`);
  return { passed: failed.length === 0, failed };
}
