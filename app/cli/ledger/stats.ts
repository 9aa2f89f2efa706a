import { beadStatus, beadType } from "../../ledger/bead-schema.js";
import type { Ledger } from "../../ledger/ledger.js";
import type { Command } from "../command.js";
import { runView } from "../runner/runner-env.js";
import { ledgerPath, openValidLedger } from "./open-ledger.js";

export interface LedgerStats {
  readonly total: number;
  readonly by_status: Readonly<Record<string, number>>;
  readonly by_type: Readonly<Record<string, number>>;
}

function countBy(keys: readonly string[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  // Most first, then by name, so the output is stable.
  const entries = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return Object.fromEntries(entries);
}

export function ledgerStats(ledger: Ledger): LedgerStats {
  const beads = ledger.beads();
  return {
    total: beads.length,
    by_status: countBy(beads.map(beadStatus)),
    by_type: countBy(beads.map(beadType)),
  };
}

function table(title: string, counts: Readonly<Record<string, number>>): string {
  const rows = Object.entries(counts);
  const width = Math.max(0, ...rows.map(([name]) => name.length));
  return `${title}:\n${rows.map(([name, n]) => `  ${name.padEnd(width)}  ${n}\n`).join("")}`;
}

export const statsCommand: Command = {
  name: "stats",
  usage: "[FILE] [--json] [--ledger FILE]",
  summary: "count the beads by status and by type",
  options: { json: { type: "boolean" }, ledger: { type: "string" } },
  positionals: { min: 0, max: 1 },
  async run(args, io) {
    const file = ledgerPath(args, io);
    const stats = ledgerStats(await runView((await openValidLedger(file, io)).ledger, file, io));
    if (args.values.json) {
      io.stdout(JSON.stringify(stats, null, 2) + "\n");
    } else {
      io.stdout(`${stats.total} beads\n${table("by status", stats.by_status)}${table("by type", stats.by_type)}`);
    }
    return 0;
  },
};
