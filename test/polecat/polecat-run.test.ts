// The polecat action end to end, in the emulator with real git over smart HTTP: a slung issue's
// run claims its bead, drives a stand-in agent through the molecule one process a step, pushes
// the work ref and records every step; it resumes where a crash left off, and it stops at once,
// or at its next write, when the bead is no longer its own.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Bead } from "../../app/ledger/bead-schema.js";
import { gastownMetadata } from "../../app/molecules/gastown-metadata.js";
import { restClient } from "../../app/github/rest-client.js";
import { limitsHash } from "../../app/town/polecat-dispatch.js";
import { AGENTS, startPolecatTown, type PolecatTown } from "./polecat-harness.js";

let polecat: PolecatTown | undefined;
afterEach(async () => {
  await polecat?.close();
  expect(polecat?.town.github.problems ?? []).toEqual([]);
  polecat = undefined;
});

const workRef = (bead: string) => `gastown/work/furiosa/${bead}`;

/** Each step bead of the molecule: its step, status and notes. */
async function steps(town: PolecatTown): Promise<[string, string, unknown][]> {
  const ledger = await town.ledger();
  const molecule = gastownMetadata(await town.bead()).molecule as string;
  return ledger.beads().filter((b) => b.id.startsWith(`${molecule}.`))
    .map((b: Bead) => [gastownMetadata(b).step as string, b.status ?? "open", gastownMetadata(b).notes]);
}

/** The digest lines on the ledger branch, parsed. */
async function digests(town: PolecatTown): Promise<Record<string, unknown>[]> {
  const git = town.town.github.git("octo/town");
  const names = (await git.git(["ls-tree", "--name-only", "gastown/ledger", ".beads/digests/"])).split("\n").filter(Boolean);
  const texts = await Promise.all(names.map((name) => git.git(["show", `gastown/ledger:${name}`])));
  return texts.flatMap((text) => text.split("\n").filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>));
}

/** The mail rung: the `client_payload` of each `gastown.mail` dispatch. */
function mail(town: PolecatTown): unknown[] {
  return town.town.github.deliveries
    .filter((d) => d.event === "repository_dispatch" && (d.payload as { action?: string }).action === "gastown.mail")
    .map((d) => (d.payload as { client_payload: unknown }).client_payload);
}

async function ledgerSubjects(town: PolecatTown): Promise<string[]> {
  const out = await town.town.github.git("octo/town").git(["log", "--reverse", "--format=%s", "gastown/ledger"]);
  return out.split("\n").filter((line) => line !== "");
}

function heartbeats(town: PolecatTown) {
  return (town.town.github.state.repos["octo/town"]?.checkRuns ?? [])
    .filter((c) => c.name === "gastown/polecat")
    .map((c) => ({ owner: c.owner, external: c.externalId, title: c.output.title, conclusion: c.conclusion }));
}

describe("a polecat run", () => {
  it("claims the bead, works the molecule one step a process, pushes the work ref and closes every step", async () => {
    polecat = await startPolecatTown({ command: `${AGENTS}/diligent.sh` });
    const dispatched = polecat.runs().at(-1);
    const { outcome, log } = await polecat.runPolecat();

    const bead = await polecat.bead();
    const molecule = gastownMetadata(bead).molecule as string;
    expect(outcome).toEqual({ kind: "exited", exit: "COMPLETED", reason: `Every step of ${molecule} is done (2).` });
    // COMPLETED: the hook let go, the bead in progress until its pull request merges.
    expect(bead.status).toBe("in_progress");
    expect(bead).not.toHaveProperty("assignee");
    expect(gastownMetadata(bead)).toMatchObject({
      exit: "COMPLETED", exit_reason: `Every step of ${molecule} is done (2).`, work_tip: (await polecat.shas(workRef(bead.id))).at(-1),
      attempt: 1, run_id: dispatched?.id, run_url: `${polecat.town.github.urls.web}/octo/town/actions/runs/${dispatched?.id}`,
      limits_hash: limitsHash(dispatched?.inputs?.["limits"] ?? ""), started_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(await steps(polecat)).toEqual([
      ["plan", "closed", "Did plan: steps/plan.txt"],
      ["build", "closed", "Did build: steps/build.txt"],
    ]);
    expect(await polecat.commits(workRef(bead.id))).toEqual([
      `Gastown: start work on ${bead.id}\nGastown-Bead: ${bead.id}`,
      `Do plan\nGastown-Bead: ${bead.id}\nGastown-Step: plan`,
      `Gastown: step plan done\nGastown-Bead: ${bead.id}\nGastown-Closed: plan`,
      `Do build\nGastown-Bead: ${bead.id}\nGastown-Step: build`,
      `Gastown: step build done\nGastown-Bead: ${bead.id}\nGastown-Closed: build`,
    ]);
    expect(await ledgerSubjects(polecat)).toEqual([
      `Sling #1 (${bead.id}) to polecat furiosa, attempt 1`,
      `Polecat furiosa claims ${bead.id}, attempt 1 (run ${dispatched?.id})`,
      `${bead.id}: step plan done by polecat furiosa, attempt 1`,
      `${bead.id}: step build done by polecat furiosa, attempt 1`,
      `${bead.id}: polecat furiosa ends attempt 1 as COMPLETED`,
    ]);
    // The molecule squashed into its work digest.
    expect((await polecat.ledger()).get(molecule)).toMatchObject({ status: "closed", close_reason: "squashed" });
    expect(await digests(polecat)).toEqual([expect.objectContaining({
      id: `work:${molecule}`, kind: "work", molecule, bead: bead.id, agent: "furiosa", rig: "octo/town", exit: "COMPLETED",
      steps_total: 2, steps_done: 2, attempts: 1, turns: 0, cost_usd: 0, summary: `Every step of ${molecule} is done (2).`,
    })]);
    // And the doorbell rung, for whoever publishes.
    expect(mail(polecat)).toEqual([{
      type: "MERGE_READY", bead: bead.id, attempt: 1, from: "polecat/furiosa", subject: `${bead.id}: COMPLETED`,
      body: `Every step of ${molecule} is done (2).`, run_id: dispatched?.id,
    }]);
    // A heartbeat on each tip the work ref had, GitHub Actions' own; the last says done.
    expect(heartbeats(polecat)).toEqual([
      { owner: "actions", external: `${bead.id}@1`, title: "working · step 1/2", conclusion: "neutral" },
      { owner: "actions", external: `${bead.id}@1`, title: "working · step 2/2", conclusion: "neutral" },
      { owner: "actions", external: `${bead.id}@1`, title: "done · step 2/2", conclusion: "success" },
    ]);
    // The agent ran as its own user, not as the action.
    expect(log.join("\n")).toContain(`Working on plan as ${polecat.user.name}`);
    expect(polecat.user.uid).not.toBe(process.getuid?.());
    expect(log.at(-1)).toBe(`The polecat ended as COMPLETED: Every step of ${molecule} is done (2).`);
  });

  it("runs a step's agent again when its process dies mid-step, keeping what it had committed", async () => {
    polecat = await startPolecatTown({ command: `${AGENTS}/flaky.sh` });
    const { outcome, log } = await polecat.runPolecat();

    const bead = await polecat.bead();
    expect(outcome).toMatchObject({ kind: "exited", exit: "COMPLETED" });
    expect(await polecat.commits(workRef(bead.id))).toEqual([
      `Gastown: start work on ${bead.id}\nGastown-Bead: ${bead.id}`,
      `Start plan\nGastown-Bead: ${bead.id}\nGastown-Step: plan`,
      `Finish plan\nGastown-Bead: ${bead.id}\nGastown-Step: plan`,
      `Gastown: step plan done\nGastown-Bead: ${bead.id}\nGastown-Closed: plan`,
      `Start build\nGastown-Bead: ${bead.id}\nGastown-Step: build`,
      `Finish build\nGastown-Bead: ${bead.id}\nGastown-Step: build`,
      `Gastown: step build done\nGastown-Bead: ${bead.id}\nGastown-Closed: build`,
    ]);
    // Killed in its sandbox, the agent's end comes out as a shell says it: 128 + 9 for SIGKILL.
    expect(log.filter((line) => line.startsWith("The agent ended")).map((line) => line.split(";")[0])).toEqual([
      "The agent ended (exit 137)", "The agent ended (exit 0)", "The agent ended (exit 137)", "The agent ended (exit 0)",
    ]);
    expect(await steps(polecat)).toEqual([
      ["plan", "closed", "Finished plan after a crash"],
      ["build", "closed", "Finished build after a crash"],
    ]);
  });

  it("is repaired by the next attempt when its runner dies between the push and the ledger commit", async () => {
    polecat = await startPolecatTown({ command: `${AGENTS}/diligent.sh` });
    const town = polecat.town;
    // No retries, so the injected failure is the runner's end, as a dead runner's would be.
    const github = (token: string) => restClient({ token, baseUrl: town.github.urls.api, retries: 0, paced: false });
    const first = polecat.runs().at(-1);
    const crashed = await polecat.runPolecat({
      overrides: { github: github(first?.token as string) },
      onLog: (line) => {
        if (line.startsWith("Step 2 of 2")) town.github.inject({ kind: "status", status: 500, operationId: "git/update-ref", times: 10 });
      },
    });
    expect(crashed.outcome).toMatchObject({ kind: "failed" });
    const bead = await polecat.bead();
    // The build step's marker is pushed; its bead is still open.
    expect((await polecat.commits(workRef(bead.id))).at(-1)).toBe(`Gastown: step build done\nGastown-Bead: ${bead.id}\nGastown-Closed: build`);
    expect(await steps(polecat)).toEqual([["plan", "closed", "Did plan: steps/plan.txt"], ["build", "open", undefined]]);
    expect(heartbeats(polecat).at(-1)).toMatchObject({ title: "crashed · step 2/2", conclusion: "failure" });

    town.github.clearFaults();
    await polecat.comment("/retry");
    const second = polecat.runs().at(-1);
    expect(second?.inputs?.["attempt"]).toBe("2");
    const { outcome, log } = await polecat.runPolecat({ overrides: { github: github(second?.token as string) } });

    expect(outcome).toMatchObject({ kind: "exited", exit: "COMPLETED" });
    expect(log).toContain("Recorded 1 step an earlier attempt had pushed but not recorded.");
    // No agent ran: the marker closed the step, with the notes it carried.
    expect(log.filter((line) => line.startsWith("Step "))).toEqual([]);
    expect(await steps(polecat)).toEqual([["plan", "closed", "Did plan: steps/plan.txt"], ["build", "closed", "Did build: steps/build.txt"]]);
  });
});

describe("a polecat run that does not hold its bead", () => {
  it("stops at once when a newer attempt superseded it", async () => {
    polecat = await startPolecatTown({ command: `${AGENTS}/diligent.sh` });
    // Its job was running when a person retried: the cancel reaches it only after it has started.
    const stale = polecat.runs().at(-1)?.id as number;
    polecat.startJob(stale);
    await polecat.comment("/retry");
    const bead = await polecat.bead();
    const { outcome, log } = await polecat.runPolecat({ run: stale });
    const reason = `${bead.id} is on attempt 2, and this run is attempt 1`;
    expect(outcome).toEqual({ kind: "refused", reason, failed: false });
    expect(log).toEqual([`notice: This polecat run stops without working: ${reason}`]);
    expect(await polecat.commits(workRef(bead.id))).toEqual([]);
  });

  it("stops at once when its bead was unslung", async () => {
    polecat = await startPolecatTown({ command: `${AGENTS}/diligent.sh` });
    polecat.startJob(polecat.runs().at(-1)?.id as number);
    await polecat.town.as("mayor", "DELETE", "/repos/octo/town/issues/1/labels/gt%3Asling%2Ftwo-steps");
    await polecat.town.deliver();
    const bead = await polecat.bead();
    const { outcome } = await polecat.runPolecat();
    expect(outcome).toEqual({ kind: "refused", reason: `${bead.id} is open, not hooked: it was unslung or its work has ended`, failed: false });
  });

  it("fails, touching nothing, when dispatched with limits the hook did not record", async () => {
    polecat = await startPolecatTown({ command: `${AGENTS}/diligent.sh` });
    const limits = JSON.parse(polecat.runs().at(-1)?.inputs?.["limits"] ?? "{}") as Record<string, unknown>;
    const bigger = JSON.stringify({ ...limits, max_cost_usd: 1000 });
    const before = await ledgerSubjects(polecat);
    const { outcome, log } = await polecat.runPolecat({ inputs: { limits: bigger } });
    expect(outcome).toMatchObject({ kind: "refused", failed: true });
    expect(log).toEqual([expect.stringMatching(/^failed: This polecat run stops without working: the limits this run was given \(sha256:[0-9a-f]{64}\) are not the ones/)]);
    expect(await ledgerSubjects(polecat)).toEqual(before);
  });

  it("stops at its next write when unslung midway, pushing nothing more", async () => {
    polecat = await startPolecatTown({ command: `${AGENTS}/patient.sh` });
    const town = polecat.town;
    const runId = polecat.runs().at(-1)?.id;
    const release = join(polecat.workRoot, `run-${runId}-1`, "agent", "release");
    let unslung: Promise<void> | undefined;
    const { outcome } = await polecat.runPolecat({
      onLog: (line) => {
        if (!line.startsWith("Step 1 of 2")) return;
        unslung = (async () => {
          await town.as("mayor", "POST", "/repos/octo/town/issues/1/comments", { body: "/unsling" });
          await town.deliver();
          await writeFile(release, "");
        })();
      },
    });
    await unslung;
    const bead = await polecat.bead();
    expect(outcome).toEqual({ kind: "claim-lost", reason: `this run no longer holds its claim: ${bead.id} is open, not hooked: it was unslung or its work has ended` });
    expect(await polecat.commits(workRef(bead.id))).toEqual([`Gastown: start work on ${bead.id}\nGastown-Bead: ${bead.id}`]);
    expect(await steps(polecat)).toEqual([["plan", "open", undefined], ["build", "open", undefined]]);
    expect(heartbeats(polecat).at(-1)).toMatchObject({ conclusion: "cancelled" });
  });
});
