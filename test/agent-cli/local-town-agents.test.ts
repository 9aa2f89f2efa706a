// `npm run town -- --agent claude|codex|gemini` without a key: the local town's polecats run the
// real CLI in the sandbox against a scripted server of its vendor's API (local-town/town-agent.ts),
// which works each step through the CLI's shell tool as the hasty agent (local-town/
// scripted-harbor.ts). With the quick formula, the foghorn's slip is caught by the gates and
// fixed through mol-polecat-fix, and all three issues land.
import { describe, expect, it } from "vitest";
import { REPO } from "../app/app-harness.js";
import { QUICK_FORMULA } from "../../local-town/seed.js";
import { startLocalTown } from "../../local-town/start-local-town.js";
import { scriptedAgent, type AgentCli } from "../../local-town/town-agent.js";
import { requireRoot } from "../agents/needs-root.js";
import { TEST_AGENT_CACHE } from "../agents/agent-cli-setup.js";

/** Some 25 s alone on a quiet machine of two cores (45 for Gemini CLI); room for a busy one. */
const TOWN_TIMEOUT_MS = 300_000;

describe.each<AgentCli>(["claude", "codex", "gemini"])("the local town with %s on its scripted model", (agent) => {
  it("lands all three issues, the foghorn's slip sent back and fixed, every request answered", { timeout: TOWN_TIMEOUT_MS + 60_000 }, async () => {
    requireRoot();
    const story: string[] = [];
    const chosen = await scriptedAgent(agent, TEST_AGENT_CACHE, (line) => story.push(line));
    const town = await startLocalTown({ ...chosen.town, sandbox: true, tell: (line) => story.push(line), label: `gt:sling/${QUICK_FORMULA}` });
    try {
      await town.landed(TOWN_TIMEOUT_MS).catch((error: unknown) => {
        throw new Error(`${error instanceof Error ? error.message : String(error)}; the story:\n${story.join("\n")}`);
      });
      const pulls = (town.town.github.state.repos[REPO]?.issues ?? []).filter((issue) => issue.pull?.headRef.startsWith("polecat/"));
      expect(pulls.map((pull) => [pull.title, pull.pull?.merged]).sort()).toEqual([
        ["Light the lighthouse", true], ["Paint the dock", true], ["Sound the foghorn", true],
      ]);
      expect(story).toEqual(expect.arrayContaining([
        expect.stringMatching(/^gates · main · attempt \d+: ✗ harbor\/foghorn\.txt: expected ready, got redy$/),
        expect.stringMatching(/^ {2}\S+: step 3 of 5, fix$/),
        expect.stringMatching(/^ {2}\S+: The agent ended \(exit 0\); \d+ turns, \$\d+\.\d\d by the model proxy so far\.$/),
      ]));
      expect(town.town.github.problems).toEqual([]);
    } finally {
      await town.close();
      await chosen.close();
    }
    // Every request the CLIs made had its answer in the script.
    expect(story.filter((line) => line.startsWith("The scripted model could not answer"))).toEqual([]);
  });
});
