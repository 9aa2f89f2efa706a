// A sling answered by the real Claude Code CLI: the App slings an issue with the shipped
// mol-polecat-work in the emulator, then the polecat action runs it as the runner would, with
// Claude Code as the agent's user against the scripted model, one CLI process per step. The
// script reads each request for the step its process works and has the CLI do that step with its
// own tools: `gt prime` and `gt nudges` through Bash, files written and edited with Write and
// Edit, commits with both trailers and `gt step done` through Bash, the base merged as the
// formula says, and `gt done --exit COMPLETED` at the end.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { gastownMetadata, gastownString } from "../../app/molecules/gastown-metadata.js";
import { readMolecule } from "../../app/molecules/molecule.js";
import {
  agentClone, CLAUDE, claudeTowns, openingLines, requestsPerProcess, RUN_CLOCK, runWithClaude, watchingCommandLines,
} from "./claude-polecat.js";
import { deliverMail, pullRequests } from "../app/publish-harness.js";
import { bash, edit, read, stepScript, write, type StepMoves } from "./step-script.js";

const API_KEY = "sk-ant-test-polecat-run-0123456789";
const NUDGE = "Seal them for good: nothing less than sealed.";
const REASON = "The pumps are sealed; test/pumps.sh checks it and passes";
/** Some 15 seconds on a quiet machine of two cores (six CLI processes, 28 turns); room for a busy one. */
const RUN_TIMEOUT_MS = 180_000;
/** Every reply's usage: $0.012 a turn at Sonnet 4.5's $3 and $15 a million tokens. */
const USAGE = { input_tokens: 2000, output_tokens: 400 };

const towns = claudeTowns(API_KEY);

/** What the model has each step's process do; `clone` is where the agent works. */
function moleculeMoves(clone: string): Record<string, StepMoves> {
  const pumps = join(clone, "src/pumps.txt");
  const test = join(clone, "test/pumps.sh");
  const commit = (bead: string, step: string, message: string, files: string) =>
    `git add ${files} && git commit -q -m "${message}" --trailer "Gastown-Bead: ${bead}" --trailer "Gastown-Step: ${step}"`;
  return {
    "load-context": () => [
      bash("gt prime", "Read the assignment", (out) => out.includes("## This step: load-context") && out.includes("They leak.")),
      bash("gt nudges", "Read the nudges", (out) => out.includes(NUDGE)),
      bash(`git log --format='%h %s%n%(trailers)' "origin/main..HEAD"`, "See what earlier attempts left", (out) => out.includes("Gastown: start work on")),
      bash(`gt step done --notes "Plan: replace leaky with sealed in src/pumps.txt, as the nudge asks; test/pumps.sh checks it"`, "Close the step"),
      { say: "The plan is in the notes." },
    ],
    implement: ({ bead }) => [
      write(test, "#!/bin/sh\n# The pumps must hold.\ngrep -qx sealed src/pumps.txt && echo 'pumps: ok'\n"),
      read(pumps),
      edit(pumps, "leaky", "sealed"),
      bash(commit(bead, "implement", "Seal the pumps", "src/pumps.txt test/pumps.sh"), "Commit the seal"),
      bash(`gt step done --notes "Sealed the pumps in src/pumps.txt; test/pumps.sh checks them"`, "Close the step"),
      { say: "The pumps are sealed." },
    ],
    "self-review": ({ bead }) => [
      bash(`git diff --stat "origin/main...HEAD"`, "Review the change", (out) => out.includes("2 files changed")),
      read(test),
      edit(test, "&& echo 'pumps: ok'", "&& echo 'pumps: ok' || { echo 'pumps: leaky' >&2; exit 1; }"),
      bash(commit(bead, "self-review", "Say when the pumps still leak", "test/pumps.sh"), "Commit the fix"),
      bash(`gt step done --notes "The test said nothing when it failed; now it says so"`, "Close the step"),
      { say: "Reviewed." },
    ],
    "build-test": () => [
      bash("sh test/pumps.sh", "Run the tests", (out) => out === "pumps: ok"),
      bash(`gt step done --notes "sh test/pumps.sh: pumps: ok"`, "Close the step"),
      { say: "The tests pass." },
    ],
    "pre-verify": ({ results }) => [
      bash("git rev-parse --short origin/main", "Find the base's tip"),
      bash(`git diff --name-only "$(git merge-base HEAD "origin/main")" "origin/main" -- .github/workflows/`, "Check the base's workflows"),
      bash(`git merge --no-ff --no-commit "origin/main"`, "Merge the base", (out) => out === "Already up to date."),
      bash(`gt step done --notes "Merged origin/main at ${results[0] ?? "?"}: already up to date"`, "Close the step"),
      { say: "Up to date with main." },
    ],
    submit: () => [
      bash(`gt step done --notes "Ready for review"`, "Close the step"),
      bash(`gt done --exit COMPLETED --reason "${REASON}"`, "End the run"),
      { say: "Submitted." },
    ],
  };
}

describe("a slung issue worked by Claude Code", () => {
  it("claims the bead, works mol-polecat-work one CLI process a step, pushes its commits and closes every step", async () => {
    const polecat = await towns.sling();
    await polecat.town.as("mayor", "POST", "/repos/octo/town/issues/1/comments", { body: `/nudge ${NUDGE}` });
    await polecat.town.deliver();
    const clone = agentClone(polecat);
    const token = polecat.runs().at(-1)?.token as string;
    const watched = watchingCommandLines(stepScript(moleculeMoves(clone), USAGE), [API_KEY, token], polecat.user.uid);
    const server = await towns.model(watched.script);

    const { outcome, log } = await runWithClaude(polecat, server.url, API_KEY);

    expect(server.requests.flatMap((request) => request.scriptError ?? [])).toEqual([]);
    expect(outcome).toEqual({ kind: "exited", exit: "COMPLETED", reason: REASON });

    // One CLI process a step, in the sandbox: each call reached the model with the key given,
    // which the model proxy added (the CLI held only a dummy), and no command line held it or the token.
    expect(requestsPerProcess(server)).toEqual([5, 6, 6, 3, 5, 3]);
    expect(server.requests.map((request) => [request.route, request.headers["x-api-key"]])).toEqual(Array(28).fill(["main", API_KEY]));
    expect(watched.found).toEqual([]);
    expect(watched.cliSeen).toEqual(Array(28).fill(true));

    // The log: every step's process, and the turns and cost the model proxy counted so far.
    const bead = await polecat.bead();
    const work = `gastown/work/furiosa/${bead.id}`;
    const ended = (turns: number, cost: string, ...tail: string[]) =>
      `The agent ended (exit 0); ${turns} turns, $${cost} by the model proxy so far. The end of its output:\n${tail.join("\n")}`;
    const step = (n: number, id: string) => `Step ${n} of 6, ${id}: ${CLAUDE}.`;
    expect(log).toEqual([
      ...await openingLines(polecat, bead.id),
      step(1, "load-context"),
      ended(5, "0.06", "▸ Bash: Read the assignment", "▸ Bash: Read the nudges", "▸ Bash: See what earlier attempts left", "▸ Bash: Close the step", "The plan is in the notes."),
      step(2, "implement"),
      ended(11, "0.13", `▸ Write: ${clone}/test/pumps.sh`, `▸ Read: ${clone}/src/pumps.txt`, `▸ Edit: ${clone}/src/pumps.txt`, "▸ Bash: Commit the seal", "▸ Bash: Close the step", "The pumps are sealed."),
      step(3, "self-review"),
      ended(17, "0.20", "▸ Bash: Review the change", `▸ Read: ${clone}/test/pumps.sh`, `▸ Edit: ${clone}/test/pumps.sh`, "▸ Bash: Commit the fix", "▸ Bash: Close the step", "Reviewed."),
      step(4, "build-test"),
      ended(20, "0.24", "▸ Bash: Run the tests", "▸ Bash: Close the step", "The tests pass."),
      step(5, "pre-verify"),
      ended(25, "0.30", "▸ Bash: Find the base's tip", "▸ Bash: Check the base's workflows", "▸ Bash: Merge the base", "▸ Bash: Close the step", "Up to date with main."),
      step(6, "submit"),
      ended(28, "0.34", "▸ Bash: Close the step", "▸ Bash: End the run", "Submitted."),
      `Recorded the exit on ${bead.id}: COMPLETED.`,
      `The polecat ended as COMPLETED: ${REASON}`,
    ]);

    // The ledger: the claim, every step closed with the agent's notes, the exit on the bead.
    const ledger = await polecat.ledger();
    const molecule = readMolecule(ledger, String(gastownMetadata(bead).molecule));
    const [base] = (await polecat.town.github.git("octo/town").git(["rev-parse", "--short", "main"])).split("\n");
    expect(molecule.steps.map((s) => [s.step, s.closed, gastownString(s.bead, "notes")])).toEqual([
      ["load-context", true, "Plan: replace leaky with sealed in src/pumps.txt, as the nudge asks; test/pumps.sh checks it"],
      ["implement", true, "Sealed the pumps in src/pumps.txt; test/pumps.sh checks them"],
      ["self-review", true, "The test said nothing when it failed; now it says so"],
      ["build-test", true, "sh test/pumps.sh: pumps: ok"],
      ["pre-verify", true, `Merged origin/main at ${base}: already up to date`],
      ["submit", true, "Ready for review"],
    ]);
    expect(gastownMetadata(bead)).toMatchObject({
      run_id: polecat.runs().at(-1)?.id, started_at: "2026-11-24T12:05:00Z", exit: "COMPLETED", exit_reason: REASON,
    });
    const ledgerLog = await polecat.town.github.git("octo/town").git(["log", "--reverse", "--format=%s", "gastown/ledger"]);
    expect(ledgerLog.trimEnd().split("\n")).toEqual([
      `Sling #1 (${bead.id}) to polecat furiosa, attempt 1`,
      `Record a nudge for ${bead.id} from @mayor`,
      `Polecat furiosa claims ${bead.id}, attempt 1 (run ${polecat.runs().at(-1)?.id})`,
      ...molecule.steps.map((s) => `${bead.id}: step ${s.step} done by polecat furiosa, attempt 1`),
      `${bead.id}: polecat furiosa ends attempt 1 as COMPLETED`,
    ]);

    // The work ref: the agent's commits with its trailers, each step closed by the action's marker.
    const trailers = (step: string) => `Gastown-Bead: ${bead.id}\nGastown-Step: ${step}`;
    const marker = (step: string) => `Gastown: step ${step} done\nGastown-Bead: ${bead.id}\nGastown-Closed: ${step}`;
    expect(await polecat.commits(work)).toEqual([
      `Gastown: start work on ${bead.id}\nGastown-Bead: ${bead.id}`,
      marker("load-context"),
      `Seal the pumps\n${trailers("implement")}`,
      marker("implement"),
      `Say when the pumps still leak\n${trailers("self-review")}`,
      marker("self-review"),
      marker("build-test"),
      marker("pre-verify"),
      marker("submit"),
    ]);
    const git = polecat.town.github.git("octo/town");
    const authors = await git.git(["log", "--reverse", "--format=%an <%ae>", work, "^main"]);
    const action = "gastown[bot] <gastown.bot@users.noreply.github.com>";
    const agent = "furiosa <furiosa.polecat@gastown.invalid>";
    expect(authors.trimEnd().split("\n")).toEqual([action, action, agent, action, agent, action, action, action, action]);
    const shas = await polecat.shas(work);
    const file = async (path: string) => (await git.fileAt(shas.at(-1)!, path))?.content.toString("utf8");
    expect(await file("src/pumps.txt")).toBe("sealed\n");
    expect(await file("test/pumps.sh")).toBe("#!/bin/sh\n# The pumps must hold.\ngrep -qx sealed src/pumps.txt && echo 'pumps: ok' || { echo 'pumps: leaky' >&2; exit 1; }\n");

    // The heartbeat: a check run on each tip the run pushed, the last one's conclusion the run's.
    const checkRuns = polecat.town.github.state.repos["octo/town"]?.checkRuns ?? [];
    // Each on a commit of the work ref, by its place there: the start, then every marker.
    expect(checkRuns.map((run) => [shas.indexOf(run.headSha), run.name, run.status, run.conclusion, run.output.title])).toEqual([
      [0, "gastown/polecat", "completed", "neutral", "working · step 1/6"],
      [1, "gastown/polecat", "completed", "neutral", "working · step 2/6"],
      [3, "gastown/polecat", "completed", "neutral", "working · step 3/6"],
      [5, "gastown/polecat", "completed", "neutral", "working · step 4/6"],
      [6, "gastown/polecat", "completed", "neutral", "working · step 5/6"],
      [7, "gastown/polecat", "completed", "neutral", "working · step 6/6"],
      [8, "gastown/polecat", "completed", "success", "done · step 6/6"],
    ]);
    const at = RUN_CLOCK.toISOString();
    expect(checkRuns.at(-1)?.output).toEqual({
      title: "done · step 6/6",
      summary: `<!-- gastown:heartbeat {"at":"${at}","progress_at":"${at}","state":"done","step":"submit","attempt":1,` +
        `"exit":{"exit":"COMPLETED","reason":"${REASON}","attempt":1,"work_tip":"${shas.at(-1)}"},"spent":{"turns":28,"cost_usd":0.336}} -->\n\n` +
        `Polecat **furiosa** is done on \`${bead.id}\`, attempt 1: step 6 of 6, \`submit\`.\n\n` +
        `Last heartbeat ${at}; the agent's last progress ${at}.\n\n` +
        "Spent so far, by the model proxy: 28 turns, $0.34.\n\n" +
        `It ended as **COMPLETED**, at \`${shas.at(-1)?.slice(0, 12)}\`, for this reason:\n\n\`\`\`text\n${REASON}\n\`\`\`\n`,
      text: "```text\n▸ Bash: Close the step\n▸ Bash: End the run\nSubmitted.\n\n```",
    });

    // The molecule squashed into its work digest, on the ledger branch.
    const months = (await git.git(["ls-tree", "--name-only", "gastown/ledger", ".beads/digests/"])).split("\n").filter(Boolean);
    const digests = (await Promise.all(months.map((m) => git.git(["show", `gastown/ledger:${m}`]))))
      .flatMap((text) => text.split("\n").filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>));
    expect(digests).toEqual([expect.objectContaining({
      kind: "work", molecule: molecule.root.id, bead: bead.id, exit: "COMPLETED", steps_total: 6, steps_done: 6, turns: 28, summary: REASON,
    })]);

    // The doorbell rang; the App publishes the work as a reviewable pull request, queued.
    const mail = await deliverMail(polecat.town);
    expect(mail.map((d) => (d.payload as { client_payload: { type: string } }).client_payload.type)).toEqual(["MERGE_READY"]);
    const [pull] = pullRequests(polecat.town);
    expect(pullRequests(polecat.town)).toEqual([{
      number: pull?.number, head: `polecat/furiosa/${bead.id}`, base: "main", title: bead.title, state: "open", labels: ["gt:queue"],
    }]);
    expect(await git.resolveRef(`refs/heads/polecat/furiosa/${bead.id}`)).toBe(shas.at(-1));
    expect(gastownMetadata(await polecat.bead())).toMatchObject({ pr: pull?.number, published_attempt: 1 });
  }, RUN_TIMEOUT_MS);
});
