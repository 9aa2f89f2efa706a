// `npm run town`: a whole Gas Town on this machine, told as it happens (see README, "Try it").
// Effects only: the options, the checks, the terminal; the town is start-local-town.ts's.
import { writeFile } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { REPO } from "../test/app/app-harness.js";
import { DEFAULT_AGENT_CACHE } from "../app/polecat/install-agent.js";
import { probeSandbox } from "../app/polecat/sandbox/run-in-sandbox.js";
import { QUICK_FORMULA } from "./seed.js";
import { startLocalTown } from "./start-local-town.js";
import { progressLine, marked } from "./story.js";
import { summaryLines, summaryMarkdown, whereToLook } from "./summary.js";
import { parseTownArgs, TOWN_USAGE } from "./town-args.js";
import { exportTown } from "./town-export.js";
import { chooseAgent } from "./town-agent.js";

/** Seconds without a story line before the progress line says what the town waits for. */
const QUIET_SECONDS = 10;

async function main(): Promise<number> {
  const args = parseTownArgs(process.argv.slice(2));
  if ("help" in args) {
    process.stdout.write(`${TOWN_USAGE}\n`);
    return 0;
  }
  if ("error" in args) {
    process.stderr.write(`${args.error}\n${TOWN_USAGE}\n`);
    return 2;
  }
  const sandbox = !args.noSandbox;
  const root = process.getuid?.() === 0;
  // As root each agent gets a user of its own; as an ordinary user, a user namespace of its own,
  // where the kernel lets an ordinary user make one.
  const probe = sandbox ? await probeSandbox() : { ok: true as const };
  if (!probe.ok) {
    process.stderr.write(`The local town runs each agent in the polecat sandbox, and ${probe.why}\n`
      + "Run `sudo npm run town`, or `npm run town -- --no-sandbox` to run the agents unisolated, as you.\n");
    return 1;
  }
  const started = Date.now();
  const stamp = () => `+${String(Math.round((Date.now() - started) / 100) / 10).padStart(5)}s`;
  let lastTold = Date.now();
  const say = (line: string) => {
    lastTold = Date.now();
    process.stdout.write(`${marked(`${stamp()} ${line}`, sandbox)}\n`);
  };
  if (!sandbox) {
    say(`The polecat sandbox is OFF (--no-sandbox): each agent runs unisolated, with the runner's network${root ? "" : ", as you, with all your files and processes in its reach"}.`);
  } else if (!root) {
    say("Each agent runs in the polecat sandbox as you, kept apart by user namespaces (no root): no cgroup limits its memory or processes.");
  }

  const chosen = await chooseAgent({ agent: args.agent, agentCache: args.agentCache ?? defaultAgentCache(), env: process.env, say });
  const town = await startLocalTown({ ...chosen.town, sandbox, tell: say, ...(args.quick ? { label: `gt:sling/${QUICK_FORMULA}` } : {}) });
  const progress = setInterval(() => {
    const quiet = Math.round((Date.now() - lastTold) / 1000);
    if (quiet >= QUIET_SECONDS) say(progressLine(town.running(), quiet));
  }, QUIET_SECONDS * 1000);
  try {
    await town.landed(args.timeoutSeconds * 1000);
    say("Everything slung has landed.");
  } catch (error) {
    say(`The town stopped waiting: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    clearInterval(progress);
  }
  const out = join(tmpdir(), `gastown-town-${new Date().toISOString().replace(/[:.]/g, "-")}`);
  const exported = await exportTown(town.town, town.slung, out);
  const seconds = Math.round((Date.now() - started) / 1000);
  for (const line of summaryLines(exported.issues, exported.digests, seconds)) say(line);
  const page = join(out, "summary.md");
  await writeFile(page, summaryMarkdown(exported.issues, exported.digests, seconds));
  say(`The same with a picture of the fleet: ${page} (Markdown; GitHub and most editors draw its Mermaid picture).`);
  for (const line of whereToLook(exported.clone, exported.ledger)) say(line);
  if (args.keep) {
    const env = join(out, "town.env");
    await writeFile(env, [
      `GASTOWN_TOWN_API=${town.town.github.urls.api}`, `GASTOWN_TOWN_REPO=${REPO}`,
      `GASTOWN_TOWN_MAYOR_TOKEN=${town.town.github.userToken("mayor")}`, `GASTOWN_TOWN_ANN_TOKEN=${town.town.github.userToken("ann")}`, "",
    ].join("\n"));
    say(`The town keeps running. Its API: ${town.town.github.urls.api} (tokens in ${env}).`);
    say(`  curl -s -H "Authorization: Bearer $(sed -n 's/^GASTOWN_TOWN_MAYOR_TOKEN=//p' ${env})" ${town.town.github.urls.api}/repos/${REPO}/issues`);
    say(`  git clone ${town.town.github.gitUrl(REPO, town.town.github.userToken("mayor"))}   # then gt ledger on its gastown/ledger`);
    say(`  local-town/town-as.sh ${env} mayor 4 /sling      # comment as a person; /peek works the same`);
    say("Ctrl-C stops it.");
    await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
  }
  await chosen.close();
  // The App held to GitHub's contract to the end: a request outside its permissions is said, not thrown.
  return await town.close().then(() => 0, (error: unknown) => {
    say(`The App broke GitHub's contract: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  });
}

/** The action's cache as root; an ordinary user's own cache directory otherwise. */
function defaultAgentCache(): string {
  if (process.getuid?.() === 0) return DEFAULT_AGENT_CACHE;
  return join(process.env["XDG_CACHE_HOME"] || join(homedir(), ".cache"), "gastown", "agents");
}

process.exitCode = await main();
