// The polecat action end to end, in the emulator with real git over smart HTTP: a slung issue's
// run claims its bead, drives a stand-in agent through the molecule one process a step, pushes
// the work ref and records every step.
import { afterEach, describe, expect, it } from "vitest";
import { gastownMetadata } from "../../app/molecules/gastown-metadata.js";
import { AGENTS, startPolecatTown, type PolecatTown } from "./polecat-harness.js";

let polecat: PolecatTown | undefined;
afterEach(async () => {
  await polecat?.close();
  polecat = undefined;
});

describe("a polecat run", () => {
  it("claims the bead, works the molecule one step a process, pushes the work ref and closes every step", async () => {
    polecat = await startPolecatTown({ command: `${AGENTS}/diligent.sh` });
    const { outcome, log } = await polecat.runPolecat();
    console.log(log.join("\n"));
    expect(outcome).toEqual({ kind: "finished", steps: 2 });
    const bead = await polecat.bead();
    const runId = polecat.runs().at(-1)?.id;
    expect(gastownMetadata(bead)).toMatchObject({ run_id: runId, attempt: 1 });
    console.log(await polecat.commits(`gastown/work/furiosa/${bead.id}`));
    const ledger = await polecat.ledger();
    console.log(JSON.stringify(ledger.beads(), null, 1));
    console.log(JSON.stringify(polecat.town.github.state.repos["octo/town"]?.checkRuns.map((c) => ({ ...c, suite: undefined })), null, 1));
    const git = polecat.town.github.git("octo/town");
    console.log(await git.git(["log", "--format=%s", "gastown/ledger"]));
  });
});
