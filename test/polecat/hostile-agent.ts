// The hostile stand-in agent (test/fixtures/agents/hostile.mjs) for one test: its attack chosen
// by a wrapper script that is the test's `polecat.command`, and a directory of its own where the
// test leaves orders and the agent appends a report line per process.
import { chmod, chown, mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { UserIds } from "../../app/polecat/user-processes.js";
import { AGENTS } from "./polecat-harness.js";

/** Who the agent's process was, as it read it from the kernel. */
export interface AgentIdentity {
  readonly uid: number;
  readonly gid: number;
  readonly groups: readonly number[];
  readonly user: string;
  readonly noNewPrivs: string;
  readonly capEff: string;
  readonly capPrm: string;
  /** The names of the variables it was started with. */
  readonly environment: readonly string[];
}

/** One agent process: the step, whether it was the step's second run, and what it found or did. */
export interface HostileReport {
  readonly attack: string;
  readonly step: string;
  readonly again: boolean;
  /** The action's note in the prompt of a second run. */
  readonly note?: string;
  readonly identity: AgentIdentity;
  readonly error?: string;
  readonly [finding: string]: unknown;
}

/**
 * The variables the action gives a `polecat.command` agent outside the sandbox, and PWD, which
 * the shell of the test's command exports.
 */
export const UNSANDBOXED_AGENT_ENVIRONMENT = [
  "GASTOWN_BEAD", "GASTOWN_LEDGER", "GASTOWN_MOLECULE", "GASTOWN_OUTBOX", "GASTOWN_PROMPT_FILE", "GASTOWN_STEP",
  "HOME", "LANG", "PATH", "PWD", "TMPDIR",
];

/** The same in its sandbox: the proxies' variables besides. */
export const AGENT_ENVIRONMENT = [
  ...UNSANDBOXED_AGENT_ENVIRONMENT,
  "HTTPS_PROXY", "HTTP_PROXY", "NODE_USE_ENV_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy",
].sort();

export interface HostileAgent {
  /** The test's `polecat.command`. */
  readonly command: string;
  /** Where the orders and the report are; the agent's user must be able to write it. */
  readonly reportDir: string;
  /** Lets `user` (made before the run) alone write the report directory. */
  handTo(user: UserIds): Promise<void>;
  orders(orders: unknown): Promise<void>;
  /** Who made the report file: the agent's uid, as the kernel recorded it. */
  reportWriter(): Promise<number>;
  /** The report's lines, after checking that `writer` (the agent's user, not root) made the file. */
  reports(writer: number): Promise<HostileReport[]>;
  close(): Promise<void>;
}

/**
 * `shared`: the report directory is writable by every user (sticky, as /tmp), for an agent
 * user that the action makes during the run and the test cannot name beforehand.
 */
export async function hostileAgent(attack: string, options: { readonly shared?: boolean } = {}): Promise<HostileAgent> {
  const dir = await mkdtemp(join(tmpdir(), `gastown-hostile-${attack}-`));
  await chmod(dir, 0o755);
  const reportDir = join(dir, "report");
  await mkdir(reportDir);
  await chmod(reportDir, options.shared ? 0o1777 : 0o700);
  const command = join(dir, "agent");
  await writeFile(command, `#!/bin/sh\nexec ${shellWord(join(AGENTS, "hostile.mjs"))} ${shellWord(attack)} ${shellWord(reportDir)}\n`, { mode: 0o755 });
  const reportFile = join(reportDir, "report.jsonl");
  return {
    command,
    reportDir,
    async handTo(user) {
      await chown(reportDir, user.uid, user.gid);
    },
    async orders(orders) {
      await writeFile(join(reportDir, "orders.json"), JSON.stringify(orders), { mode: 0o644 });
    },
    async reportWriter() {
      return (await stat(reportFile)).uid;
    },
    async reports(writer) {
      const owner = (await stat(reportFile)).uid;
      if (owner !== writer) throw new Error(`${reportFile} belongs to uid ${owner}, not to the agent's user (${writer})`);
      return (await readFile(reportFile, "utf8")).split("\n").filter((line) => line !== "").map((line) => JSON.parse(line) as HostileReport);
    },
    async close() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function shellWord(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
