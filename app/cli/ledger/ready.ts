import { beadStatus, beadType, type Bead } from "../../ledger/bead-schema.js";
import { dependencyWarnings } from "../../ledger/check-dependencies.js";
import { READY_SORTS, readyBeads, type ReadySort } from "../../ledger/ready.js";
import { isTimestamp } from "../../ledger/timestamps.js";
import { canonicalBead } from "../../ledger/write-ledger.js";
import { UsageError } from "../cli-io.js";
import { stringOption, type Command } from "../command.js";
import { runView } from "../runner/runner-env.js";
import { ledgerPath, openValidLedger, printProblems } from "./open-ledger.js";

function parseSort(value: string | undefined): ReadySort {
  if (value === undefined) return "hybrid";
  if ((READY_SORTS as readonly string[]).includes(value)) return value as ReadySort;
  throw new UsageError(`--sort: must be one of ${READY_SORTS.join(", ")} (got "${value}")`);
}

function parseNow(value: string | undefined, fallback: Date): Date {
  if (value === undefined) return fallback;
  if (!isTimestamp(value)) {
    throw new UsageError(`--now: must be an RFC 3339 timestamp such as 2026-04-18T16:19:12Z (got "${value}")`);
  }
  return new Date(value);
}

function readyTable(beads: readonly Bead[]): string {
  if (beads.length === 0) return "No ready beads.\n";
  const idWidth = Math.max(...beads.map((b) => b.id.length));
  const typeWidth = Math.max(...beads.map((b) => beadType(b).length));
  const rows = beads.map((b) =>
    `${b.id.padEnd(idWidth)}  P${b.priority ?? 0}  ${beadType(b).padEnd(typeWidth)}  ${b.title}\n`);
  return `${beads.length} ready:\n${rows.join("")}`;
}

/** The bead as `bd export` writes it, with the status spelt out even where Beads leaves it implied. */
function asJson(bead: Bead): Record<string, unknown> {
  return canonicalBead({ ...bead, status: beadStatus(bead) });
}

export const readyCommand: Command = {
  name: "ready",
  usage: "[FILE] [--json] [--all] [--sort hybrid|priority|oldest] [--now ISO] [--ledger FILE]",
  summary: "list the beads ready to work on: open, unblocked, not deferred",
  options: {
    json: { type: "boolean" },
    all: { type: "boolean" },
    sort: { type: "string" },
    now: { type: "string" },
    ledger: { type: "string" },
  },
  positionals: { min: 0, max: 1 },
  async run(args, io) {
    const sort = parseSort(stringOption(args, "sort"));
    const now = parseNow(stringOption(args, "now"), io.now());
    const file = ledgerPath(args, io);
    const output = { all: args.values.all === true, json: args.values.json === true };
    const opened = await openValidLedger(file, io, output);
    const ledger = await runView(opened.ledger, file, io);
    const problems = opened.problems;
    // The warnings bear on the answer: a cycle of blocking dependencies keeps its beads from
    // ever being ready, and a dependency on a missing bead is ignored. Said on stderr, so
    // `--json` output stays clean.
    printProblems([...problems, ...dependencyWarnings(ledger, file, { allIds: output.all })], io, output);
    const ready = readyBeads(ledger, { now, sort });
    io.stdout(args.values.json ? JSON.stringify(ready.map(asJson), null, 2) + "\n" : readyTable(ready));
    return 0;
  },
};
