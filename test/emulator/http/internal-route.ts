// What the emulator serves outside the REST API: the places GitHub's answers point to off the
// API — a job's log (where the log endpoint redirects) and a file's raw bytes (a contents
// entry's download_url) — under a prefix GitHub's API never uses.
import type { BareRepo } from "../git/bare-repo.js";
import type { ViewContext } from "../views/context.js";
import type { RawResponse } from "./api.js";

export const INTERNAL_PREFIX = "/_emulator";

export function jobLogUrl(view: ViewContext, repo: string, jobId: number): string {
  return `${view.urls.web}${INTERNAL_PREFIX}/logs/${repo}/jobs/${jobId}`;
}

export function rawFileUrl(view: ViewContext, repo: string, ref: string, path: string): string {
  return `${view.urls.web}${INTERNAL_PREFIX}/raw/${repo}/${encodeURIComponent(ref)}/${path}`;
}

const LOG_PATH = new RegExp(`^${INTERNAL_PREFIX}/logs/([^/]+)/([^/]+)/jobs/(\\d+)$`);
const RAW_PATH = new RegExp(`^${INTERNAL_PREFIX}/raw/([^/]+)/([^/]+)/([^/]+)/(.+)$`);

const NOT_FOUND: RawResponse = { status: 404, headers: { "content-type": "text/plain" }, body: Buffer.from("Not Found\n") };

function text(body: Buffer): RawResponse {
  return { status: 200, headers: { "content-type": "text/plain; charset=utf-8" }, body };
}

export async function serveInternal(view: ViewContext, git: (repo: string) => BareRepo, url: string): Promise<RawResponse | undefined> {
  const path = url.split("?")[0] ?? "";
  if (!path.startsWith(`${INTERNAL_PREFIX}/`)) return undefined;
  const log = LOG_PATH.exec(path);
  if (log) {
    const repo = view.state.repos[`${log[1]}/${log[2]}`];
    const job = repo?.runs.flatMap((run) => run.jobs).find((j) => String(j.id) === log[3]);
    return job?.status === "completed" ? text(Buffer.from(job.log, "utf8")) : NOT_FOUND;
  }
  const raw = RAW_PATH.exec(path);
  if (raw) {
    const repo = `${raw[1]}/${raw[2]}`;
    if (!view.state.repos[repo]) return NOT_FOUND;
    const commit = await git(repo).resolveCommit(decodeURIComponent(raw[3] as string));
    const file = commit === undefined ? undefined : await git(repo).fileAt(commit, decodeURIComponent(raw[4] as string));
    return file === undefined ? NOT_FOUND : text(file.content);
  }
  return NOT_FOUND;
}
