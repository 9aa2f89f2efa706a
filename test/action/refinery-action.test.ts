// The refinery action's runner: its options, and what it says, against the emulator. What a run
// does to the queue is runRefinery's, tested with it (test/app/); here the copied
// gastown-refinery.yml is dispatched and its run's GITHUB_TOKEN, under the workflow's
// permissions, is what the runner acts with.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { run, type RefineryDependencies } from "../../action/refinery/runner.js";
import { readRefineryOptions } from "../../action/refinery/refinery-options.js";
import { realDependencies } from "../../app/handlers/app-dependencies.js";
import { restClient } from "../../app/github/rest-client.js";
import { REPO, startTown, type Town } from "../app/app-harness.js";
import { runs } from "../app/witness-harness.js";

const EXAMPLE_WORKFLOW = new URL("../../examples/workflows/gastown-refinery.yml", import.meta.url);
const REFINERY_WORKFLOW = ".github/workflows/gastown-refinery.yml";

let town: Town | undefined;
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "gastown-refinery-"));
});
afterEach(async () => {
  await town?.close();
  await rm(dir, { recursive: true, force: true });
  expect(town?.github.problems ?? []).toEqual([]);
  town = undefined;
});

/** The refinery workflow dispatched by a person for `base`, and its run as the runner starts it. */
async function refineryRun(on: Town, base: string): Promise<{ token: string; env: Record<string, string> }> {
  await on.as("mayor", "POST", `/repos/${REPO}/actions/workflows/gastown-refinery.yml/dispatches`, { ref: "main", inputs: { base } });
  const started = runs(on).filter((r) => r.displayTitle === "Gas Town refinery").at(-1);
  if (!started) throw new Error("no refinery run");
  on.github.startJob(REPO, started.id, "refinery");
  const event = join(dir, `event-${started.id}.json`);
  await writeFile(event, JSON.stringify({ inputs: { base }, ref: "refs/heads/main", repository: { name: "town", owner: { login: "octo" }, default_branch: "main" } }));
  return { token: started.token, env: { GITHUB_REPOSITORY: REPO, GITHUB_EVENT_PATH: event, GITHUB_API_URL: on.github.urls.api, GITHUB_REF_NAME: "main" } };
}

function recorder(on?: Town): { infos: string[]; failures: string[]; deps: Partial<RefineryDependencies> } {
  const infos: string[] = [];
  const failures: string[] = [];
  return {
    infos, failures,
    deps: {
      info: (message) => infos.push(message), fail: (message) => failures.push(message),
      ...(on ? {
        app: { ...realDependencies, clock: () => on.clock.now, random: () => 0.5, sleep: async () => undefined },
        client: (token: string, baseUrl: string) => restClient({ token, baseUrl, paced: false }),
      } : {}),
    },
  };
}

describe("the refinery action's options", () => {
  it("are the patrol's, and the base branch when one is given", async () => {
    const env = { GITHUB_REPOSITORY: "octo/town", GITHUB_REF_NAME: "main", GITHUB_API_URL: "https://ghe.example/api/v3/" };
    expect(await readRefineryOptions({ env, inputs: { token: "t", "github-token": "t", base: " release/2 " } })).toEqual({
      owner: "octo", repo: "town", defaultBranch: "main", token: "t", apiUrl: "https://ghe.example/api/v3", botLogin: "github-actions[bot]", base: "release/2",
    });
    expect(await readRefineryOptions({ env, inputs: { token: "t", "app-slug": "gastown", base: "" } }))
      .toMatchObject({ apiUrl: "https://ghe.example/api/v3", botLogin: "gastown[bot]", base: undefined });
  });

  it("fail the step with what is wrong when it runs outside a workflow, or without a token", async () => {
    const outside = recorder();
    expect(await run({ env: {}, inputs: { token: "t" } }, outside.deps)).toEqual({
      kind: "failed", message: "GITHUB_REPOSITORY is not set to owner/repo: the Gas Town refinery runs as a step of a GitHub Actions workflow.",
    });
    expect(outside.failures).toEqual(["GITHUB_REPOSITORY is not set to owner/repo: the Gas Town refinery runs as a step of a GitHub Actions workflow."]);
    const tokenless = recorder();
    const message = "The input `token` is empty: leave it out to use the workflow's GITHUB_TOKEN, or pass the App's token from actions/create-github-app-token.";
    expect(await run({ env: { GITHUB_REPOSITORY: "octo/town", GITHUB_REF_NAME: "main" }, inputs: { token: " " } }, tokenless.deps)).toEqual({ kind: "failed", message });
    expect(tokenless.failures).toEqual([message]);
    expect(outside.infos.concat(tokenless.infos)).toEqual([]);
  });
});

describe("the refinery action", () => {
  it("reports a repository without .github/gastown.yml as off, with the dispatched run's GITHUB_TOKEN", async () => {
    town = await startTown({ files: { ".github/gastown.yml": undefined, [REFINERY_WORKFLOW]: await readFile(EXAMPLE_WORKFLOW, "utf8") } });
    const refinery = await refineryRun(town, "main");
    const { infos, failures, deps } = recorder(town);
    const outcome = await run({ env: refinery.env, inputs: { token: refinery.token, "github-token": refinery.token, base: "main" } }, deps);
    expect(failures).toEqual([]);
    expect(outcome).toEqual({ kind: "off", why: "the repository has no .github/gastown.yml of its own" });
    expect(infos).toEqual(["Gas Town is not on here, so there is no queue to carry on: the repository has no .github/gastown.yml of its own"]);
  });

  it("passes the base it was given, and lists what the refinery said it did", async () => {
    const wakes: unknown[] = [];
    const said = ["town-a1b: batch of 2 staged as gastown-refinery/main/3", "town-c2d: landed"];
    const env = { GITHUB_REPOSITORY: REPO, GITHUB_REF_NAME: "main" };
    const { infos, failures, deps } = recorder();
    const refine: RefineryDependencies["refine"] = async (ref, _app, botLogin, wake) => {
      wakes.push({ repo: `${ref.owner}/${ref.repo}`, defaultBranch: ref.defaultBranch, botLogin, wake });
      return { kind: "refined", rig: REPO, said: wakes.length === 1 ? said : [] };
    };
    await run({ env, inputs: { token: "t", "github-token": "t", base: "main" } }, { ...deps, refine });
    await run({ env, inputs: { token: "t", "github-token": "t" } }, { ...deps, refine });
    expect(failures).toEqual([]);
    expect(wakes).toEqual([
      { repo: REPO, defaultBranch: "main", botLogin: "github-actions[bot]", wake: { base: "main" } },
      { repo: REPO, defaultBranch: "main", botLogin: "github-actions[bot]", wake: {} },
    ]);
    expect(infos).toEqual([
      `The refinery carried on the merge queue of ${REPO} into main:\n- ${said[0]}\n- ${said[1]}`,
      `The refinery looked at the merge queue of ${REPO}: nothing to do.`,
    ]);
  });

  it("fails the step with the refinery's error", async () => {
    const { failures, deps } = recorder();
    const refine: RefineryDependencies["refine"] = async () => { throw new Error("the ledger branch gastown/ledger is gone"); };
    const outcome = await run({ env: { GITHUB_REPOSITORY: REPO, GITHUB_REF_NAME: "main" }, inputs: { token: "t" } }, { ...deps, refine });
    expect(outcome).toEqual({ kind: "failed", message: "the ledger branch gastown/ledger is gone" });
    expect(failures).toEqual(["the ledger branch gastown/ledger is gone"]);
  });
});
