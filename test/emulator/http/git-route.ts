// git over HTTP at `<web>/<owner>/<repo>.git`, with GitHub's token auth: the token is the
// Basic-auth password (any username, conventionally x-access-token). Reading needs contents
// read, pushing contents write; changing workflow files needs more (../git/workflow-guard.ts),
// and a branch's rules may refuse the push (../git/pre-receive.ts).
// https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/authenticating-as-a-github-app-installation#about-authentication-as-a-github-app-installation
import { authenticate } from "../auth/principal.js";
import { grants } from "../auth/operation-rules.js";
import { workflowCredential } from "../auth/workflows-permission.js";
import { pushRuleLines } from "../state/branch-rules.js";
import { roleOf } from "../state/collaborators.js";
import type { Actor } from "../state/events.js";
import { repoWeb } from "../views/urls.js";
import type { Core } from "./handler.js";
import type { RawRequest, RawResponse } from "./api.js";
import { runHttpBackend } from "./git-http.js";

export interface GitHost {
  readonly core: Core;
  readonly projectRoot: string;
  pushed(repo: string, updates: readonly { ref: string; before: string; after: string }[], actor: Actor): Promise<void>;
  report(problem: string): void;
}

const GIT_PATH = /^\/([^/]+)\/([^/]+)\.git(\/.*)?$/;

function text(status: number, message: string, headers: Record<string, string> = {}): RawResponse {
  return { status, headers: { "content-type": "text/plain; charset=utf-8", ...headers }, body: Buffer.from(`${message}\n`) };
}

// git asks again with credentials only after a 401 naming Basic auth.
const CHALLENGE = { "www-authenticate": 'Basic realm="GitHub"' };

function basicPassword(header: string | undefined): string | undefined {
  const match = /^basic\s+(\S+)$/i.exec(header ?? "");
  if (!match) return undefined;
  const decoded = Buffer.from(match[1] as string, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? decoded : decoded.slice(colon + 1);
}

/** Serves a git request, or returns undefined when the path is not a repository's. */
export async function serveGit(host: GitHost, request: RawRequest): Promise<RawResponse | undefined> {
  const [pathname = "", query = ""] = request.url.split("?", 2);
  const match = GIT_PATH.exec(pathname);
  if (!match) return undefined;
  const repo = `${match[1]}/${match[2]}`;
  const record = host.core.state.repos[repo];
  if (!record) return text(404, "Repository not found.");
  const isPush = pathname.endsWith("/git-receive-pack") || /(^|&)service=git-receive-pack(&|$)/.test(query);

  const password = basicPassword(request.headers["authorization"]);
  if (password === undefined) {
    // A public repository may be read by anyone; everything else asks for credentials.
    if (isPush || record.private) return text(401, "Authentication required", CHALLENGE);
  }
  const principal = password === undefined ? { kind: "anonymous" as const } : authenticate(host.core.state, `token ${password}`, host.core.now());
  if ("ok" in principal || principal.kind === "app") return text(401, "Invalid username or token. Password authentication is not supported for Git operations.", CHALLENGE);

  let actor: Actor = { login: "ghost", via: "user" };
  if (principal.kind === "token") {
    const token = principal.token;
    actor = principal.actor;
    const need = { permission: "contents", access: isPush ? ("write" as const) : ("read" as const) };
    if (token.kind === "user") {
      const role = roleOf(record, token.login);
      const mayRead = role !== null || !record.private;
      const mayWrite = role === "write" || role === "maintain" || role === "admin";
      if (!(isPush ? mayWrite : mayRead)) return text(403, `Permission to ${repo}.git denied to ${token.login}.`);
    } else {
      const reachable = token.kind === "installation" ? token.repositories.includes(repo) : token.repository === repo;
      if (!reachable) return text(404, "Repository not found.");
      if (!grants(token.permissions, need)) return text(403, `Permission to ${repo}.git denied to ${actor.login}.`);
    }
  }
  const workflows = workflowCredential(principal);

  const git = host.core.git(repo);
  const before = isPush ? await git.refs() : undefined;
  const answer = await runHttpBackend({
    projectRoot: host.projectRoot,
    method: request.method,
    pathInfo: `/${match[1]}/${match[2]}.git${match[3] ?? ""}`,
    query,
    headers: request.headers,
    body: request.body,
    remoteUser: actor.login,
    env: {
      EMULATOR_WORKFLOWS_ALLOWED: workflows.mayWrite ? "1" : "0",
      EMULATOR_CREDENTIAL: workflows.kind,
      EMULATOR_BRANCH_RULES: pushRuleLines(record, actor),
      EMULATOR_RULES_URL: `${repoWeb(host.core.urls, repo)}/rules`,
    },
  });
  if (before !== undefined && request.method === "POST") {
    const after = await git.refs();
    const updates = [...new Set([...before.keys(), ...after.keys()])]
      .sort()
      .map((ref) => ({ ref, before: before.get(ref) ?? ZERO, after: after.get(ref) ?? ZERO }))
      .filter((update) => update.before !== update.after);
    if (updates.length > 0) await host.pushed(repo, updates, actor);
  }
  return { status: answer.status, headers: answer.headers, body: answer.body };
}

const ZERO = "0000000000000000000000000000000000000000";
