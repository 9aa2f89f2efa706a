// `gt mirror sync`: the drift repair on demand, from a laptop or a workflow step. It does what the
// patrol does on its slower clock (app/handlers/mirror-drift.ts): compares every issue with the
// ledger and brings both into agreement, and is safe to run any number of times.
import { realDependencies } from "../../handlers/app-dependencies.js";
import { describeDrift, repairDrift } from "../../handlers/mirror-drift.js";
import { openTown } from "../../handlers/repository-town.js";
import { restClient } from "../../github/rest-client.js";
import { UsageError } from "../cli-io.js";
import { stringOption, type Command } from "../command.js";

const DEFAULT_API_URL = "https://api.github.com";

export const mirrorSyncCommand: Command = {
  name: "sync",
  usage: "[--repo OWNER/NAME]",
  summary: "bring the ledger's work beads and the repository's issues into agreement (GITHUB_TOKEN or GH_TOKEN)",
  options: { repo: { type: "string" } },
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
    io.stdout(`${describeDrift(await repairDrift(opened.town))}\n`);
    return 0;
  },
};
