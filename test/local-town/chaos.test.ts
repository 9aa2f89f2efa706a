// Chaos on the local town (local-town/chaos/): for a fixed pair of seeds, the App killed and
// restarted, runners killed mid-step, webhooks lost and doubled, ledger races, 5xx and secondary
// rate limits at the seed's points; then the town converges with nothing lost. `npm run chaos`
// runs fifty seeds; a seed that fails here replays with `npm run chaos -- --seed N`.
import { join } from "node:path";
import { expect, it } from "vitest";
import { CONVERGE_MS, runChaosSeed } from "../../local-town/chaos/run-seed.js";
import { reachableCopy, ROOT } from "../../local-town/town-paths.js";
import { requireRoot } from "../agents/needs-root.js";

/** Seeds whose faults include the App restarted twice and runners killed mid-step, and that converge in about half a minute. */
const CI_SEEDS = [2, 5];

// Side by side: a seed spends most of its time waiting for a killed App's or runner's claim to
// lapse, so two towns at once take little longer than one.
for (const seed of CI_SEEDS) {
  it.concurrent(`converges with nothing lost under seed ${seed}'s faults`, { timeout: CONVERGE_MS + 120_000 }, async () => {
    requireRoot();
    const agents = reachableCopy(join(ROOT, "local-town/agents"), "gastown-chaos-agents-");
    const result = await runChaosSeed(seed, { agents });
    const said = `seed ${seed} broke; replay it with \`npm run chaos -- --seed ${seed}\`. The story:\n${result.story.join("\n")}`;
    expect(result.broken, said).toEqual([]);
    expect(result.slung.map((issue) => issue.outcome).every((outcome) => outcome === "merged" || outcome === "escalated"), said).toBe(true);
  });
}
