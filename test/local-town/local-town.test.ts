// The local town end to end (`npm run town`'s core, local-town/start-local-town.ts): the emulator,
// the App's server fed its signed webhooks, the local runner running our workflows' jobs through
// our actions' entry points, the polecats as agent users in the sandbox with the stand-in agent
// (local-town/agents/hasty.sh) on the quick two-step formula. Three issues slung; the foghorn's
// misspelt part fails the refinery's gates, goes back to its polecat with mol-polecat-fix, and
// lands with the rest once the scripted reviewer approves each green refinery pull request.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { runCli } from "../../app/cli/run-cli.js";
import { REPO } from "../app/app-harness.js";
import { startLocalTown, type LocalTown } from "../../local-town/start-local-town.js";
import { QUICK_FORMULA, SEED_ISSUES } from "../../local-town/seed.js";
import { summaryMarkdown } from "../../local-town/summary.js";
import { mermaidSources, parseMermaid } from "../town/mermaid-parser.js";
import { exportTown } from "../../local-town/town-export.js";
import { reachableCopy, ROOT } from "../../local-town/town-paths.js";
import { requireRoot } from "../agents/needs-root.js";

/** Some 40 s on a quiet machine of two cores; room for a busy one. */
const TOWN_TIMEOUT_MS = 240_000;

let town: LocalTown | undefined;
let out: string | undefined;
let agents: string | undefined;
afterEach(async () => {
  await town?.close();
  // A test worker may end without the exit that removes the copy itself.
  for (const dir of [out, agents]) if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  town = out = agents = undefined;
});

it("slings three issues, sends the failing one back with its evidence, and lands all three", { timeout: TOWN_TIMEOUT_MS + 30_000 }, async () => {
  requireRoot();
  agents = reachableCopy(join(ROOT, "local-town/agents"), "gastown-town-agents-");
  const story: string[] = [];
  town = await startLocalTown({
    agent: { kind: "command", command: join(agents, "hasty.sh") }, sandbox: true, polecat: { readOnly: [agents] }, secrets: {},
    tell: (line) => story.push(line), label: `gt:sling/${QUICK_FORMULA}`,
  });
  // A town that does not land says what happened, as its story told it.
  await town.landed(TOWN_TIMEOUT_MS).catch((error: unknown) => {
    throw new Error(`${error instanceof Error ? error.message : String(error)}; the story:\n${story.join("\n")}`);
  });
  const github = town.town.github;

  // The three slung issues closed by their merged pull requests; the fourth waits for a person.
  expect(town.slung).toEqual([1, 2, 3]);
  expect([1, 2, 3, 4].map((n) => [town?.town.issue(n).title, town?.town.issue(n).state])).toEqual([
    ...SEED_ISSUES.map((issue, i) => [issue.title, i < 3 ? "closed" : "open"]),
  ]);
  const pulls = (github.state.repos[REPO]?.issues ?? []).filter((i) => i.pull !== null);
  const polecatPulls = pulls.filter((p) => p.pull?.headRef.startsWith("polecat/"));
  expect(polecatPulls.map((p) => [p.title, p.pull?.merged]).sort()).toEqual([
    ["Light the lighthouse", true], ["Paint the dock", true], ["Sound the foghorn", true],
  ]);
  // The foghorn's, sent back and fixed, needs no fix now.
  expect(polecatPulls.filter((p) => p.labels.includes("gt:fix-needed")).map((p) => p.title)).toEqual([]);
  // Every part of the harbor on main says ready: the foghorn's fix landed, not its slip.
  const main = await github.git(REPO).resolveRef("refs/heads/main") as string;
  for (const part of ["quay", "lighthouse", "dock", "foghorn"]) {
    expect((await github.git(REPO).fileAt(main, `harbor/${part}.txt`))?.content.toString("utf8")).toBe("ready\n");
  }

  // The ledger, as `gt ledger validate` reads it from the exported `.beads/`.
  out = await mkdtemp(join(tmpdir(), "gastown-town-test-"));
  const exported = await exportTown(town.town, town.slung, out);
  expect(exported.issues.map((i) => [i.number, i.state, i.beadStatus])).toEqual([[1, "closed", "closed"], [2, "closed", "closed"], [3, "closed", "closed"]]);
  let said = "";
  const status = await runCli(["ledger", "validate", join(exported.ledger, "issues.jsonl"), "--json"], {
    cwd: out, env: {}, stdout: (text) => { said += text; }, stderr: () => undefined, now: () => new Date(),
  });
  expect(status).toBe(0);
  expect(JSON.parse(said)).toMatchObject({ valid: true, errors: 0 });
  const foghorn = exported.issues.find((i) => i.number === 3)?.bead;
  // A work digest per finished molecule (the foghorn's two: the slip and the fix), a merge digest per landing.
  expect(exported.digests.map((d) => `${d.kind} ${d.bead === foghorn ? "foghorn" : "other"} ${d.exit}`).sort()).toEqual([
    "merge foghorn MERGED", "merge other MERGED", "merge other MERGED",
    "work foghorn COMPLETED", "work foghorn COMPLETED", "work other COMPLETED", "work other COMPLETED",
  ]);
  // The summary page draws the fleet: every polecat's work landed.
  const [fleet] = mermaidSources(summaryMarkdown(exported.issues, exported.digests, 1));
  expect((await parseMermaid(fleet as string)).groups.map((g) => [g.title, g.nodes.length])).toEqual([["Done", 3]]);

  // The story: slung, the gate that caught the slip, the way back, the approvals, the landings.
  expect(story).toEqual(expect.arrayContaining([
    `mayor slung #1 (label gt:sling/${QUICK_FORMULA})`,
    `mayor slung #3 (label gt:sling/${QUICK_FORMULA})`,
    expect.stringMatching(/^gates · main · attempt \d+: ✗ harbor\/foghorn\.txt: expected ready, got redy$/),
    expect.stringMatching(/^the App on #\d+: It goes back to polecat \S+ with mol-polecat-fix \(fix 1 of 2\), and comes back into the queue when the polecat is done\.$/),
    expect.stringMatching(/^ {2}\S+: step 3 of 5, fix$/),
    expect.stringMatching(/^mayor approved pull request #\d+$/),
    "issue #1 closed: Light the lighthouse",
    "issue #2 closed: Paint the dock",
    "issue #3 closed: Sound the foghorn",
  ]));
  expect(github.problems).toEqual([]);
});
