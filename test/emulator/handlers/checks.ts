// Check runs.
import type { Handlers } from "../http/handler.js";
import { paginate } from "../http/pagination.js";
import { failure, json } from "../http/responses.js";
import { checkRunAppId, createCheckRun, updateCheckRun, type CheckRunInput } from "../state/check-runs.js";
import { fail, notFound } from "../state/result.js";
import { checkRunView } from "../views/check-run.js";
import { body, fullName, numberParam, repoOf, respond } from "./respond.js";
import type { Core } from "../http/handler.js";
import type { CheckSuiteFacts } from "../state/model.js";
import { commitSummary } from "../git/push-event.js";

// A suite's head_branch is a branch whose tip is the commit, if any.
// https://docs.github.com/en/rest/checks/suites#get-a-check-suite
async function suiteFacts(core: Core, repo: string, sha: string): Promise<CheckSuiteFacts> {
  const git = core.git(repo);
  const defaultRef = `refs/heads/${core.state.repos[repo]?.defaultBranch ?? "main"}`;
  const branches = [...(await git.refs()).entries()].filter(([name, tip]) => name.startsWith("refs/heads/") && tip === sha).map(([name]) => name);
  const branch = branches.includes(defaultRef) ? defaultRef : branches[0];
  return { headBranch: branch === undefined ? null : branch.slice("refs/heads/".length), headCommit: await commitSummary(git, sha), createdAt: core.timestamp() };
}

export const checkHandlers: Handlers = {
  "checks/create": async (request, core) => {
    const input = body<CheckRunInput & { name: string; head_sha: string }>(request);
    // https://docs.github.com/en/rest/checks/runs#create-a-check-run — the commit must exist.
    if ((await core.git(fullName(request)).objectType(input.head_sha)) !== "commit") {
      return failure(fail(422, `No commit found for SHA: ${input.head_sha}`), request.documentationUrl);
    }
    const suite = await suiteFacts(core, fullName(request), input.head_sha);
    return respond(core, request, 201, (state) => createCheckRun(state, fullName(request), input, suite, request.actor, core.timestamp()), (run) =>
      checkRunView(core.view(), repoOf(core, request), run),
    );
  },

  "checks/update": (request, core) =>
    respond(core, request, 200, (state) => updateCheckRun(state, fullName(request), numberParam(request, "check_run_id"), body<CheckRunInput>(request), request.actor, core.timestamp()), (run) =>
      checkRunView(core.view(), repoOf(core, request), run),
    ),

  "checks/get": (request, core) => {
    const run = repoOf(core, request).checkRuns.find((r) => r.id === numberParam(request, "check_run_id"));
    return run ? json(200, checkRunView(core.view(), repoOf(core, request), run)) : failure(notFound(), request.documentationUrl);
  },

  "checks/list-for-ref": async (request, core) => {
    const sha = await core.git(fullName(request)).resolveCommit(request.params["ref"] ?? "");
    if (sha === undefined) return failure(fail(422, `No commit found for SHA: ${request.params["ref"] ?? ""}`), request.documentationUrl);
    const name = request.query.get("check_name");
    const status = request.query.get("status");
    const appId = request.query.get("app_id");
    // filter=latest (the default) keeps the newest run of each name.
    const latest = request.query.get("filter") !== "all";
    let runs = repoOf(core, request).checkRuns.filter((r) => r.headSha === sha && (name === null || r.name === name) && (status === null || r.status === status) && (appId === null || checkRunAppId(core.state, r) === Number(appId)));
    if (latest) runs = runs.filter((r) => !runs.some((other) => other.name === r.name && other.id > r.id));
    runs = [...runs].sort((a, b) => b.id - a.id);
    const page = paginate(runs, request.query, request.url);
    return json(200, { total_count: runs.length, check_runs: page.items.map((run) => checkRunView(core.view(), repoOf(core, request), run)) }, page.headers);
  },
};
