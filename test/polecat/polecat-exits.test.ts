// How a polecat run ends, as the run records it (DESIGN §7, "After a polecat exits"): the exit
// on the bead with the hook released and the status it names, the molecule left open for all
// but COMPLETED, the heartbeat's last word carrying the exit, and the doorbell rung. What people
// see of it on GitHub is the publisher's (test/app).
import { afterEach, describe, expect, it } from "vitest";
import type { Bead } from "../../app/ledger/bead-schema.js";
import { gastownMetadata } from "../../app/molecules/gastown-metadata.js";
import { parseHeartbeat } from "../../app/town/heartbeat.js";
import { AGENTS, startPolecatTown, type PolecatTown } from "./polecat-harness.js";

let polecat: PolecatTown | undefined;
afterEach(async () => {
  await polecat?.close();
  expect(polecat?.town.github.problems ?? []).toEqual([]);
  polecat = undefined;
});

function mail(town: PolecatTown): unknown[] {
  return town.town.github.deliveries
    .filter((d) => d.event === "repository_dispatch")
    .map((d) => (d.payload as { client_payload: unknown }).client_payload);
}

function lastHeartbeat(town: PolecatTown) {
  const runs = (town.town.github.state.repos["octo/town"]?.checkRuns ?? []).filter((c) => c.name === "gastown/polecat");
  const last = runs.at(-1);
  return { conclusion: last?.conclusion, heartbeat: parseHeartbeat(last?.output.summary) };
}

describe("a polecat's exit", () => {
  it("BLOCKED: the blocker blocks the work, the bead is blocked and let go, its molecule stays open", async () => {
    polecat = await startPolecatTown({ command: `${AGENTS}/blocked.sh` });
    const runId = polecat.runs().at(-1)?.id;
    const { outcome } = await polecat.runPolecat();
    const ledger = await polecat.ledger();
    const bead = await polecat.bead();
    const meta = gastownMetadata(bead);
    const blocker = meta.exit_blocker as string;
    const reason = `The pumps cannot be fixed without a pressure gauge (@mayor, see ${blocker})`;

    expect(outcome).toEqual({ kind: "exited", exit: "BLOCKED", reason });
    expect(bead.status).toBe("blocked");
    expect(bead).not.toHaveProperty("assignee");
    expect(meta).toMatchObject({ exit: "BLOCKED", exit_reason: reason, attempt: 1, run_id: runId });
    expect(ledger.get(blocker)).toMatchObject({ title: "Add a pressure gauge to the pump API", status: "open", created_by: "polecat/furiosa" });
    expect(bead.dependencies?.filter((d) => d.type === "blocks").map((d) => d.depends_on_id)).toEqual([blocker]);
    expect(ledger.get(meta.molecule as string)?.status).toBe("open");
    expect(lastHeartbeat(polecat)).toMatchObject({
      conclusion: "neutral",
      heartbeat: { state: "done", exit: { exit: "BLOCKED", reason, attempt: 1, blocker, workTip: meta.work_tip } },
    });
    expect(mail(polecat)).toEqual([expect.objectContaining({ type: "POLECAT_DONE", bead: bead.id, attempt: 1, run_id: runId })]);
  });

  it("REFACTOR: the children filed are the work's, the bead is deferred", async () => {
    polecat = await startPolecatTown({ command: `${AGENTS}/refactor.sh` });
    const { outcome } = await polecat.runPolecat();
    const ledger = await polecat.ledger();
    const bead = await polecat.bead();
    const children = ledger.beads().filter((b: Bead) => b.dependencies?.some((d) => d.type === "parent-child" && d.depends_on_id === bead.id) && b.issue_type === "task");

    expect(outcome).toEqual({ kind: "exited", exit: "REFACTOR", reason: "Two pumps, two pull requests" });
    expect(bead.status).toBe("deferred");
    expect(children.map((c) => c.title)).toEqual(["Fix the left pump", "Fix the right pump"]);
    expect(lastHeartbeat(polecat).heartbeat?.exit).toMatchObject({ exit: "REFACTOR" });
  });

  it("ESCALATE: a base that changed a workflow file since the work branched from it ends the run before any agent", async () => {
    polecat = await startPolecatTown({ command: `${AGENTS}/diligent.sh` });
    const town = polecat.town;
    const bead = await polecat.bead();
    // An earlier attempt's work ref, branched from main; then a person changes a workflow on main.
    const main = await town.github.git("octo/town").resolveRef("refs/heads/main");
    await town.as("mayor", "POST", "/repos/octo/town/git/refs", { ref: `refs/heads/gastown/work/furiosa/${bead.id}`, sha: main });
    await town.as("mayor", "PUT", "/repos/octo/town/contents/.github/workflows/ci.yml", {
      message: "Add CI", content: Buffer.from("on: push\njobs:\n  ci:\n    runs-on: ubuntu-latest\n    steps: [{ run: 'true' }]\n").toString("base64"),
    });
    const { outcome, log } = await polecat.runPolecat();
    const reason = `main changed .github/workflows/ci.yml since this work branched from it; the polecat's token cannot push a change to workflow files, so a person must bring main into gastown/work/furiosa/${bead.id}`;

    expect(outcome).toEqual({ kind: "exited", exit: "ESCALATE", reason });
    expect(log.filter((line) => line.startsWith("Step "))).toEqual([]);
    const after = await polecat.bead();
    expect(after.status).toBe("open");
    expect(gastownMetadata(after)).toMatchObject({ exit: "ESCALATE", exit_reason: reason, work_tip: main });
  });
});
