// The run's workspace (one per run, outside the runner's home): the action's own 0700 directory,
// and the agent's, where its user can read the run's `node` and `gt`, the read-only ledger copy
// and the prompt, and write only its home, its clone, its outbox and its temporary files. The
// action writes the ledger copy and the prompt before each step and takes the outbox after it;
// each is a plain file it opens without following links, so nothing the agent leaves in its own
// directories can point the action elsewhere.
import { chmod, chown, copyFile, link, mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { AgentOwner } from "./agent-clone.js";
import { OutboxFileError, readOutboxFile } from "./outbox-file.js";

export interface PolecatWorkspace {
  readonly root: string;
  /** The action's own: its repository, its askpass, the outboxes it has taken. */
  readonly actionDir: string;
  readonly agentDir: string;
  readonly bin: string;
  readonly node: string;
  readonly gt: string;
  readonly ledgerCopy: string;
  readonly prompt: string;
  readonly home: string;
  readonly clone: string;
  readonly outboxDir: string;
  readonly outbox: string;
  readonly tmp: string;
}

export interface WorkspaceSources {
  /** The node the agent's `gt` runs on: the action's own, linked or copied where the agent can run it. */
  readonly node: string;
  /** The bundled `gt` command (action/polecat/dist/gt.js). */
  readonly gtBundle: string;
}

/** A run's workspace under `parent`, named by the run (its id and attempt). */
export function workspaceRoot(parent: string, key: string): string {
  return join(parent, `run-${key}`);
}

/** The agent's HOME in the workspace at `root`. */
export function agentHome(root: string): string {
  return join(root, "agent", "home");
}

/**
 * Makes the workspace at `root`, which must not exist yet; its parent is made if missing, and
 * left searchable by the agent's user.
 */
export async function makeWorkspace(root: string, owner: AgentOwner, sources: WorkspaceSources): Promise<PolecatWorkspace> {
  const parent = dirname(root);
  await mkdir(parent, { recursive: true, mode: 0o711 });
  if (((await stat(parent)).mode & 0o001) === 0) {
    throw new Error(`${parent} is not searchable by other users, so the agent's user could not reach its workspace in it`);
  }
  await mkdir(root, { mode: 0o711 });
  await chmod(root, 0o711);
  const agentDir = join(root, "agent");
  const bin = join(agentDir, "bin");
  const workspace: PolecatWorkspace = {
    root,
    actionDir: join(root, "action"),
    agentDir,
    bin,
    node: join(bin, "node"),
    gt: join(bin, "gt"),
    ledgerCopy: join(agentDir, "ledger.jsonl"),
    prompt: join(agentDir, "prompt.md"),
    home: agentHome(root),
    clone: join(agentDir, "clone"),
    outboxDir: join(agentDir, "outbox"),
    outbox: join(agentDir, "outbox", "outbox.jsonl"),
    tmp: join(agentDir, "tmp"),
  };
  await mkdir(workspace.actionDir, { mode: 0o700 });
  await mkdir(agentDir, { mode: 0o755 });
  await mkdir(bin, { mode: 0o755 });
  await linkOrCopy(sources.node, workspace.node);
  await chmod(workspace.node, 0o755);
  await copyFile(sources.gtBundle, join(bin, "gt.js"));
  await chmod(join(bin, "gt.js"), 0o644);
  await writeFile(workspace.gt, `#!/bin/sh\nexec ${shellWord(workspace.node)} ${shellWord(join(bin, "gt.js"))} "$@"\n`, { mode: 0o755 });
  for (const own of [workspace.home, workspace.outboxDir, workspace.tmp]) {
    await mkdir(own, { mode: 0o700 });
    await chown(own, owner.uid, owner.gid);
  }
  return workspace;
}

/** The ledger as the agent may read it this step, and the step's prompt: root's, read-only to all. */
export async function writeStepFiles(workspace: PolecatWorkspace, files: { readonly ledger: string; readonly prompt: string }): Promise<void> {
  await replaceReadOnly(workspace.ledgerCopy, files.ledger);
  await replaceReadOnly(workspace.prompt, files.prompt);
}

/**
 * What the agent wrote to its outbox this step, taken out of its reach: read without following
 * a link, then moved into the action's directory, so the next step starts with an empty outbox.
 */
export async function takeOutbox(workspace: PolecatWorkspace, step: number): Promise<{ readonly text: string; readonly refused?: string }> {
  let taken: { text: string; refused?: string };
  try {
    taken = { text: await readOutboxFile(workspace.outbox) };
  } catch (error) {
    // A link, a pipe, a second name for another file: none of it is read.
    if (!(error instanceof OutboxFileError)) throw error;
    taken = { text: "", refused: error.message };
  }
  await rename(workspace.outbox, join(workspace.actionDir, `outbox-${step}.jsonl`)).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "ENOENT") throw error;
  });
  return taken;
}

export async function removeWorkspace(workspace: PolecatWorkspace): Promise<void> {
  await rm(workspace.root, { recursive: true, force: true });
}

/** A new file in place of the old (a rename, so a reader never sees half of it), mode 0444. */
async function replaceReadOnly(path: string, text: string): Promise<void> {
  const next = `${path}.next`;
  await rm(next, { force: true });
  await writeFile(next, text, { mode: 0o444, flag: "wx" });
  await rename(next, path);
}

async function linkOrCopy(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch {
    await copyFile(from, to);
  }
}

function shellWord(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
