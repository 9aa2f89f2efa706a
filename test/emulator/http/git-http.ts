// git's smart HTTP protocol, served by git's own `git http-backend` as a CGI program, so
// clones, fetches and pushes from real git clients behave exactly as git makes them behave.
// https://git-scm.com/docs/git-http-backend
import { spawn } from "node:child_process";

export type CgiRequest = {
  projectRoot: string;
  method: string;
  /** The path below the project root, e.g. "/octo/town.git/info/refs". */
  pathInfo: string;
  query: string;
  headers: Readonly<Record<string, string | undefined>>;
  body: Buffer;
  remoteUser: string;
  /** Extra environment for git and its hooks (the push guard reads it). */
  env: Readonly<Record<string, string>>;
};

export type CgiResponse = { status: number; headers: Record<string, string>; body: Buffer };

export function runHttpBackend(request: CgiRequest): Promise<CgiResponse> {
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_PROJECT_ROOT: request.projectRoot,
    GIT_HTTP_EXPORT_ALL: "1",
    PATH_INFO: request.pathInfo,
    REQUEST_METHOD: request.method,
    QUERY_STRING: request.query,
    CONTENT_TYPE: request.headers["content-type"] ?? "",
    CONTENT_LENGTH: String(request.body.length),
    REMOTE_USER: request.remoteUser,
    REMOTE_ADDR: "127.0.0.1",
    ...request.env,
  };
  // git sends its protocol version and gzip'd bodies as headers; CGI passes them as HTTP_*.
  const protocol = request.headers["git-protocol"];
  if (protocol !== undefined) env["HTTP_GIT_PROTOCOL"] = protocol;
  const encoding = request.headers["content-encoding"];
  if (encoding !== undefined) env["HTTP_CONTENT_ENCODING"] = encoding;
  return new Promise((resolve, reject) => {
    const child = spawn("git", ["http-backend"], { env, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.resume();
    child.on("error", reject);
    child.on("close", () => resolve(parseCgiOutput(Buffer.concat(out))));
    child.stdin.on("error", () => undefined); // the backend may answer before reading it all
    child.stdin.end(request.body);
  });
}

/** A CGI answer: header lines, a blank line, the body; `Status:` sets the HTTP status. */
export function parseCgiOutput(output: Buffer): CgiResponse {
  let split = output.indexOf("\r\n\r\n");
  let separator = 4;
  if (split < 0) {
    split = output.indexOf("\n\n");
    separator = 2;
  }
  if (split < 0) return { status: 502, headers: { "content-type": "text/plain" }, body: Buffer.from("bad gateway: no CGI headers\n") };
  const headers: Record<string, string> = {};
  let status = 200;
  for (const line of output.subarray(0, split).toString("latin1").split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === "status") status = Number.parseInt(value, 10);
    else headers[name] = value;
  }
  return { status, headers, body: output.subarray(split + separator) };
}
