// The limits a run is dispatched with, as the App writes them and the run reads them (the
// sandbox's settings too, defaulted for an older App's), and the run's wall time: the action's
// own limit, hard. A run is given `polecat.timeout_minutes` (never past the job's limit less the
// time the job needs after its agent stops), counted from when its steps begin, for all its agent
// processes together; when it is up, every process of the agent's user ends, whatever it does,
// and the run escalates. The deadline's timer and the clock are the runner's dependencies, so a
// test of a five-minute limit takes seconds.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { gastownMetadata } from "../../app/molecules/gastown-metadata.js";
import { readMolecule } from "../../app/molecules/molecule.js";
import { DEFAULT_NETWORK_ALLOW } from "../../app/polecat/sandbox/egress-policy.js";
import { agentWallTimeMs, LimitsError, parseLimits } from "../../app/polecat/polecat-limits.js";
import { EXIT_RESERVE_MINUTES } from "../../app/polecat/polecat-steps.js";
import { processesOf } from "../../app/polecat/user-processes.js";
import { polecatLimits } from "../../app/town/polecat-dispatch.js";
import { defaultConfig } from "../../app/config/config-schema.js";
import { parseConfig } from "../../app/config/read-config.js";
import { AGENTS, startPolecatTown, type PolecatTown } from "./polecat-harness.js";

const START = Date.parse("2026-11-24T12:05:00Z");
/** Minutes of the test's clock each agent process takes. */
const PROCESS_MINUTES = 2;

let polecat: PolecatTown | undefined;
afterEach(async () => {
  await polecat?.close();
  polecat = undefined;
});

describe("the limits input", () => {
  it("carries every polecat setting the run needs, the sandbox's among them, in DESIGN §7's order", () => {
    expect(polecatLimits(defaultConfig().polecat)).toBe(
      '{"agent":"claude","model":null,"max_turns":80,"timeout_minutes":60,"max_cost_usd":10,"heartbeat_minutes":2,' +
      '"max_diff_lines":5000,"protected_paths":[".github/**",".beads/formulas/**","**/CODEOWNERS"],"command":null,' +
      `"sandbox":"on","network":{"allow":${JSON.stringify(DEFAULT_NETWORK_ALLOW)}},"job_timeout_minutes":75}`,
    );
    const weakened = parseConfig("polecat:\n  sandbox: false\n  network: open\n").polecat;
    expect(parseLimits(polecatLimits(weakened))).toMatchObject({ sandbox: "off", network: "open" });
    const listed = parseConfig("polecat:\n  network: {allow: ['*.example.org']}\n").polecat;
    expect(parseLimits(polecatLimits(listed))).toMatchObject({ sandbox: "on", network: { allow: ["*.example.org"] } });
  });

  it("reads limits from an App before the sandbox as sandboxed, with the default allow-list", () => {
    const { sandbox: _sandbox, network: _network, ...older } = JSON.parse(polecatLimits(defaultConfig().polecat)) as Record<string, unknown>;
    expect(parseLimits(JSON.stringify(older))).toMatchObject({
      sandbox: "on", network: { allow: [...DEFAULT_NETWORK_ALLOW] },
    });
  });

  it("refuses a sandbox or network setting the App never writes", () => {
    const given = JSON.parse(polecatLimits(defaultConfig().polecat)) as Record<string, unknown>;
    const refusal = (fields: Record<string, unknown>) => {
      try {
        parseLimits(JSON.stringify({ ...given, ...fields }));
      } catch (error) {
        if (error instanceof LimitsError) return error.message;
        throw error;
      }
      return undefined;
    };
    const problem = "the limits input is not what the App dispatches: ";
    expect(refusal({ sandbox: false })).toBe(`${problem}limits.sandbox: Invalid option: expected one of "on"|"off"`);
    expect(refusal({ network: "closed" })).toBe(`${problem}limits.network: network is open, or { allow: [host, *.suffix, …] }`);
    expect(refusal({ network: { allow: ["169.254.169.254"] } }))
      .toBe(`${problem}limits.network.allow.0: "169.254.169.254" is an IP address: the sandbox reaches host names only, which the proxy resolves itself`);
  });
});

describe("agentWallTimeMs", () => {
  const limits = (timeout: number, job: number) =>
    parseLimits(JSON.stringify({ ...JSON.parse(polecatLimits(defaultConfig().polecat)), timeout_minutes: timeout, job_timeout_minutes: job }));

  it("is polecat.timeout_minutes, as the App dispatches it, less nothing", () => {
    expect(JSON.parse(polecatLimits({ ...defaultConfig().polecat, timeout_minutes: 5 }))).toMatchObject({ timeout_minutes: 5, job_timeout_minutes: 20 });
    expect(agentWallTimeMs(limits(5, 20), EXIT_RESERVE_MINUTES)).toBe(5 * 60_000);
  });

  it("ends before the job does, keeping time for the work to be pushed and recorded", () => {
    expect(EXIT_RESERVE_MINUTES).toBe(10);
    expect(agentWallTimeMs(limits(360, 360), EXIT_RESERVE_MINUTES)).toBe(350 * 60_000);
    // A job dispatched by hand with less time than the reserve still gives its agent a minute.
    expect(agentWallTimeMs(limits(30, 5), EXIT_RESERVE_MINUTES)).toBe(60_000);
  });
});

describe("a polecat run's wall time", () => {
  it("is the run's: an agent still at work when it runs out is stopped hard, and the run escalates", async () => {
    polecat = await startPolecatTown({ command: `${AGENTS}/hangs-after-plan.sh`, polecat: "  timeout_minutes: 5\n" });
    const waiting = join(polecat.agentDir(), "tmp", "waiting");
    const timers: { readonly ms: number; readonly fire: () => void }[] = [];
    const running = polecat.runPolecat({
      paced: false,
      overrides: {
        clock: () => new Date(START + timers.length * PROCESS_MINUTES * 60_000),
        after: (ms, fire) => {
          timers.push({ ms, fire });
          return () => undefined;
        },
      },
    });
    // The second step's agent ignores the signals that ask it to end, and waits; its time runs out.
    await vi.waitFor(() => expect(existsSync(waiting)).toBe(true), { timeout: 20_000, interval: 50 });
    timers[1]!.fire();
    const { outcome, log } = await running;

    const reason = "the run's time ran out (polecat.timeout_minutes is 5)";
    expect(outcome).toEqual({ kind: "exited", exit: "ESCALATE", reason });
    // Five minutes for the run; the second process is given what the first left.
    expect(timers.map((timer) => timer.ms)).toEqual([5 * 60_000, 3 * 60_000]);
    expect(await processesOf(polecat.user.uid)).toEqual([]);
    const bead = await polecat.bead();
    const work = `gastown/work/furiosa/${bead.id}`;
    const [start] = await polecat.shas(work);
    const command = `polecat.command ${AGENTS}/hangs-after-plan.sh`;
    expect(log).toEqual([
      `Polecat furiosa claimed ${bead.id}, attempt 1 (run ${polecat.runs().at(-1)?.id}).`,
      `Made the work ref ${work} at ${start?.slice(0, 12)}.`,
      "The agent runs in its sandbox, with the network proxy and no model proxy (the run has no model key).",
      `Step 1 of 2, plan: ${command}.`,
      "The agent ended (exit 0); 0 turns, $0.00 by its stream so far. The end of its output:\n" +
        `Working on plan as ${polecat.user.name}\nstep plan of ${gastownMetadata(bead).molecule} is done. Stop now: the next step is a new process.\nClosed plan`,
      `Step 2 of 2, build: ${command}.`,
      "The agent ended (out of time); 0 turns, $0.00 by its stream so far. The end of its output:\nWaiting on build",
      `warning: Escalated: ${reason}`,
      `Recorded the exit on ${bead.id}: ESCALATE.`,
      `notice: The polecat ended as ESCALATE: ${reason}`,
    ]);
    expect(gastownMetadata(bead)).toMatchObject({ exit: "ESCALATE", exit_reason: reason });
    const ledger = await polecat.ledger();
    expect(readMolecule(ledger, String(gastownMetadata(bead).molecule)).steps.map((s) => [s.step, s.closed])).toEqual([["plan", true], ["build", false]]);
    // The plan's work and its marker; nothing of the step whose time ran out.
    expect(await polecat.commits(work)).toEqual([
      `Gastown: start work on ${bead.id}\nGastown-Bead: ${bead.id}`,
      `Do plan\nGastown-Bead: ${bead.id}\nGastown-Step: plan`,
      `Gastown: step plan done\nGastown-Bead: ${bead.id}\nGastown-Closed: plan`,
    ]);
  });

  it("starts no agent process once the run's time is up", async () => {
    polecat = await startPolecatTown({ command: `${AGENTS}/diligent.sh`, polecat: "  timeout_minutes: 2\n" });
    const timers: number[] = [];
    const { outcome, log } = await polecat.runPolecat({
      paced: false,
      overrides: {
        clock: () => new Date(START + timers.length * PROCESS_MINUTES * 60_000),
        after: (ms) => {
          timers.push(ms);
          return () => undefined;
        },
      },
    });

    const reason = "the run's time ran out (polecat.timeout_minutes is 2)";
    expect(outcome).toEqual({ kind: "exited", exit: "ESCALATE", reason });
    // The plan's process took the run's two minutes: the build's never starts.
    expect(timers).toEqual([2 * 60_000]);
    expect(log.filter((line) => line.startsWith("Step "))).toEqual([`Step 1 of 2, plan: polecat.command ${AGENTS}/diligent.sh.`]);
    const bead = await polecat.bead();
    expect(log.slice(-3)).toEqual([`warning: Escalated: ${reason}`, `Recorded the exit on ${bead.id}: ESCALATE.`, `notice: The polecat ended as ESCALATE: ${reason}`]);
    expect(gastownMetadata(bead)).toMatchObject({ exit: "ESCALATE", exit_reason: reason });
  });
});
