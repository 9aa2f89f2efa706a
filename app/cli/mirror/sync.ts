// `gt mirror sync`: the drift repair on demand, from a laptop or a workflow step. It does what the
// patrol does on its slower clock (app/handlers/mirror-drift.ts): compares every issue with the
// ledger and brings both into agreement, and is safe to run any number of times.
import { realDependencies } from "../../handlers/app-dependencies.js";
import { describeDrift, repairDrift } from "../../handlers/mirror-drift.js";
import { mirrorPending } from "../../handlers/mirror-beads.js";
import { openTown } from "../../handlers/repository-town.js";
import { restClient } from "../../github/rest-client.js";
import { UsageError } from "../cli-io.js";
import { stringOption, type Command } from "../command.js";

const DEFAULT_API_URL = "https://api.github.com";


export const mirrorSyncCommand: Command = {
  name: "sync",
  usage: "[--repo OWNER/NAME] [--login LOGIN] [--bot-login LOGIN]",
  summary: "bring the ledger's work beads and the repository's issues into agreement (GITHUB_TOKEN or GH_TOKEN)",
  // --login: who the token acts as (you, or the App's `<slug>[bot]`), to open the beads still without an issue.
  // --bot-login: who Gas Town comments as (`<slug>[bot]`, or `github-actions[bot]` without an App),
  // whose comments are its own: with it, comments whose webhook was lost are taken in too.
  options: { repo: { type: "string" }, login: { type: "string" }, "bot-login": { type: "string" } },
  positionals: { min: 0, max: 0 },
  async run(args, io) {
    const named = stringOption(args, "repo") ?? io.env.GITHUB_REPOSITORY;
    const [owner, repo, ...rest] = (named ?? "").split("/");
    if (!owner || !repo || rest.length > 0) throw new UsageError("name the repository: --repo OWNER/NAME (or set GITHUB_REPOSITORY)");
    const token = io.env.GITHUB_TOKEN || io.env.GH_TOKEN;
    if (!token) throw new UsageError("set GITHUB_TOKEN or GH_TOKEN to a token that may write the repository's issues and contents");
    const github = restClient({ token, baseUrl: io.env.GITHUB_API_URL || DEFAULT_API_URL, warn: (message) => io.stderr(`${message}\n`) });
    const { data } = await github.request("GET /repos/{owner}/{repo}", { owner, repo });
    const opened = await openTown({ github, owner, repo, defaultBranch: data.default_branch }, { ...realDependencies, clock: io.now });
    if (opened.kind === "off") throw new UsageError(`Gas Town is not on in ${owner}/${repo}: ${opened.reason}`, 1);
    if (opened.kind === "invalid") throw new UsageError(opened.error.message, 1);
    const botLogin = stringOption(args, "bot-login");
    const drift = await repairDrift({ ...opened.town, ...(botLogin === undefined ? {} : { botLogin }) });
    io.stdout(`${describeDrift(drift)}\n`);
    // The beads with no issue yet are opened as GitHub's secondary limits allow, and an opening a
    // crash interrupted is looked for among the issues the token's login opened: so only when the
    // login is known. Otherwise the App's next push or the patrol opens them.
    const login = stringOption(args, "login");
    if (login !== undefined) {
      const backlog = await mirrorPending({ ...opened.town, botLogin: login }, await opened.town.store.peek());
      if (backlog !== undefined) io.stdout(`${backlog}\n`);
    } else if (drift.kind === "repaired" && drift.plan.unopened > 0) {
      const n = drift.plan.unopened;
      io.stdout(`${n} bead${n === 1 ? "" : "s"} still to open on GitHub: the patrol opens them, or give --login to open them now.\n`);
    }
    return 0;
  },
};
