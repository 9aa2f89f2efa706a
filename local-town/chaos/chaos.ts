// `npm run chaos`: the local town under faults, seed after seed (run-seed.ts), a line each; a
// seed that breaks an invariant says what broke, how to replay it, and its story.
// `--seeds N` runs seeds 1…N (50 unless given), `--seed N` replays one.
import { join } from "node:path";
import { probeSandbox } from "../../app/polecat/sandbox/run-in-sandbox.js";
import { reachableCopy, ROOT } from "../town-paths.js";
import { runChaosSeed } from "./run-seed.js";

export const CHAOS_USAGE = "usage: npm run chaos -- [--seeds N | --seed N]";

export function parseChaosArgs(argv: readonly string[]): { seeds: number[] } | { error: string } {
  const [flag, value, ...rest] = argv;
  if (flag === undefined) return { seeds: range(50) };
  const n = Number(value);
  if (rest.length > 0 || !Number.isSafeInteger(n) || n < 0 || (flag === "--seeds" && n === 0)) return { error: `cannot read ${argv.join(" ")}` };
  if (flag === "--seeds") return { seeds: range(n) };
  if (flag === "--seed") return { seeds: [n] };
  return { error: `unknown option ${flag}` };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}

async function main(): Promise<number> {
  const args = parseChaosArgs(process.argv.slice(2));
  if ("error" in args) {
    process.stderr.write(`${args.error}\n${CHAOS_USAGE}\n`);
    return 2;
  }
  // The local town's agents run in the polecat sandbox: as root, as users of their own; as an
  // ordinary user, in user namespaces where the kernel allows them.
  const probe = await probeSandbox();
  if (!probe.ok) {
    process.stderr.write(`Chaos runs the local town, whose agents run in the polecat sandbox, and ${probe.why}\n`);
    return 1;
  }
  const agents = reachableCopy(join(ROOT, "local-town/agents"), "gastown-chaos-agents-");
  const failed: number[] = [];
  for (const seed of args.seeds) {
    const result = await runChaosSeed(seed, { agents });
    const outcomes = result.slung.map((issue) => `#${issue.number} ${issue.outcome}`).join(", ");
    const verdict = result.broken.length === 0 ? "ok" : "BROKEN";
    process.stdout.write(`seed ${String(seed).padStart(3)}: ${verdict} · ${result.faults} faults · ${outcomes} · ${Math.round(result.ms / 1000)} s\n`);
    if (result.broken.length === 0) continue;
    failed.push(seed);
    for (const line of result.broken) process.stdout.write(`  ✗ ${line}\n`);
    process.stdout.write(`  replay: npm run chaos -- --seed ${seed}\n  the story:\n`);
    for (const line of result.story) process.stdout.write(`    ${line}\n`);
  }
  process.stdout.write(failed.length === 0 ? `All ${args.seeds.length} seeds converged with nothing lost.\n` : `${failed.length} of ${args.seeds.length} seeds broke: ${failed.join(", ")}.\n`);
  return failed.length === 0 ? 0 : 1;
}

if (process.argv[1]?.endsWith("chaos.js") === true) process.exitCode = await main();
