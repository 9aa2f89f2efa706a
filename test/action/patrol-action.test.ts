// Actions-only mode's patrol clock against the emulator: the copied gastown-patrol.yml is
// dispatched (GitHub's `schedule` never fires here), and the patrol action's runner does one pass
// with that run's GITHUB_TOKEN, under the permissions the workflow file gives it.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { run } from "../../action/patrol/runner.js";
import { realDependencies } from "../../app/handlers/app-dependencies.js";
import { restClient } from "../../app/github/rest-client.js";
import { REPO, startTown, type Town } from "../app/app-harness.js";
import { beadOf, beat, runOf, runs, slungIssue, startAndClaim, witnessOf } from "../app/witness-harness.js";
import { minutesAfter } from "../town/town-builders.js";

const EXAMPLE_WORKFLOW = new URL("../../examples/workflows/gastown-patrol.yml", import.meta.url);
const PATROL_WORKFLOW = ".github/workflows/gastown-patrol.yml";

let town: Town;
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "gastown-patrol-"));
});
afterEach(async () => {
  await town.close();
  await rm(dir, { recursive: true, force: true });
  expect(town.github.problems).toEqual([]);
});

/** The patrol workflow dispatched by a person, and its run as the runner starts it. */
async function patrolRun(): Promise<{ id: number; token: string; env: Record<string, string> }> {
  await town.as("mayor", "POST", `/repos/${REPO}/actions/workflows/gastown-patrol.yml/dispatches`, { ref: "main" });
  const started = runs(town).filter((r) => r.displayTitle === "Gas Town patrol").at(-1);
  if (!started) throw new Error("no patrol run");
  town.github.startJob(REPO, started.id, "patrol");
  const event = join(dir, `event-${started.id}.json`);
  await writeFile(event, JSON.stringify({ inputs: null, ref: "refs/heads/main", repository: { name: "town", owner: { login: "octo" }, default_branch: "main" } }));
  return {
    id: started.id, token: started.token,
    env: { GITHUB_REPOSITORY: REPO, GITHUB_EVENT_PATH: event, GITHUB_API_URL: town.github.urls.api, GITHUB_REF_NAME: "main" },
  };
}

/**
 * The pass's drift repair: the slung issue and its bead agree, and the one page of issues was read
 * whole; so were the comments, the first time from the newest (the pass's own status comment). The
 * App's status comment from the sling is listed too when made in that same second, and is known
 * as the town's by its marker, though the pass acts as github-actions[bot].
 */
const MIRROR_LINE = "Mirror: 0 beads brought up to date from GitHub, 0 issues edited, 0 issues imported, 1 recorded as in agreement; 3 pages read, 0 unchanged.";

describe("the patrol action", () => {
  it("restarts a polecat whose runner died, with the patrol run's GITHUB_TOKEN, and says what it did", async () => {
    town = await startTown({ files: { [PATROL_WORKFLOW]: await readFile(EXAMPLE_WORKFLOW, "utf8") }, mirror: true });
    const { bead, runId } = await slungIssue(town);
    await startAndClaim(town, runId);
    await beat(town, runId);
    town.clock.now = minutesAfter(town.clock.now, 25);
    const patrol = await patrolRun();
    const infos: string[] = [];
    const failures: string[] = [];
    const outcome = await run({ env: patrol.env, inputs: { token: patrol.token, "github-token": patrol.token } }, {
      app: { ...realDependencies, clock: () => town.clock.now, random: () => 0.5, sleep: async () => undefined },
      info: (message) => infos.push(message), fail: (message) => failures.push(message),
      client: (token, baseUrl) => restClient({ token, baseUrl, paced: false }),
    });
    expect(failures).toEqual([]);
    expect(outcome).toEqual({
      kind: "patrolled", rig: REPO, looked: 1, promoted: [], refinery: [], actions: [{ bead: bead.id, text: "restarted it as attempt 2 (dead-runner)" }],
      mirror: [MIRROR_LINE],
    });
    expect(infos).toEqual([`The witness looked at 1 hooked bead of ${REPO}:\n- ${bead.id}: restarted it as attempt 2 (dead-runner)\n${MIRROR_LINE}`]);
    const after = await beadOf(town, 1);
    expect(witnessOf(after)).toMatchObject({ attempt: 2, status: "hooked" });
    // GITHUB_TOKEN may dispatch a workflow: the next attempt runs.
    expect(runOf(town, after)).toMatchObject({ status: "queued", event: "workflow_dispatch" });
    await town.github.settled();
    expect(runs(town).find((r) => r.id === runId)?.conclusion).toBe("cancelled");
    // The status comment is the workflow's own, as everything in Actions-only mode is.
    expect(town.issue(1).comments.filter((c) => c.body.includes("The witness restarted")).map((c) => c.user)).toEqual(["github-actions[bot]"]);
  });

  it("fails the step with what is wrong when it runs outside a workflow", async () => {
    town = await startTown();
    const failures: string[] = [];
    const outcome = await run({ env: {}, inputs: { token: "t" } }, { info: () => undefined, fail: (message) => failures.push(message) });
    expect(outcome).toEqual({ kind: "failed", message: "GITHUB_REPOSITORY is not set to owner/repo: the Gas Town patrol runs as a step of a GitHub Actions workflow." });
    expect(failures).toEqual([outcome.kind === "failed" ? outcome.message : ""]);
  });
});
