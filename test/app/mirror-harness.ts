// A town for the mirror's tests: push deliveries handed to the App, and ledger writers that act
// as an agent's publisher (the App's token, commits with the Gastown-Beads trailer) or as a
// person (a plain commit through the Git Data API, no trailer).
import type { GitHubClient } from "../../app/github/github-client.js";
import { LEDGER_PATH, LedgerStore } from "../../app/github/ledger-store.js";
import type { Bead } from "../../app/ledger/bead-schema.js";
import { Ledger } from "../../app/ledger/ledger.js";
import { serializeLedger } from "../../app/ledger/write-ledger.js";
import { commitOnBranch, octokitFor } from "../emulator/testing.js";
import { REPO, startTown, type Town, type TownOptions } from "./app-harness.js";

export const LEDGER_BRANCH = "gastown/ledger";
export const T = "2026-11-24T11:00:00Z";

export async function startMirrorTown(options: TownOptions = {}): Promise<Town> {
  return await startTown({ ...options, pushes: true });
}

/** A work bead as an agent files it. */
export function workBead(id: string, title: string, extra: Partial<Bead> = {}): Bead {
  return { id, title, status: "open", priority: 2, issue_type: "task", created_at: T, created_by: "polecat/nux", updated_at: T, ...extra };
}

export function parentOf(child: string, parent: string) {
  return { issue_id: child, depends_on_id: parent, type: "parent-child", created_at: T };
}

/** `blocker` blocks `blocked`. */
export function blocks(blocked: string, blocker: string) {
  return { issue_id: blocked, depends_on_id: blocker, type: "blocks", created_at: T };
}

/** The ledger store as the App's other writers use it (its installation token), not recorded in `town.sent`. */
export function appStore(town: Town): LedgerStore {
  const installation = town.github.state.installations[0];
  if (!installation) throw new Error("no installation");
  const github = octokitFor(town.github, town.github.installationToken(installation.id)) as unknown as GitHubClient;
  return new LedgerStore(github, { owner: "octo", repo: "town", branch: LEDGER_BRANCH, prefix: "gt", sleep: async () => undefined });
}

/** An agent's beads written to the ledger as its publisher writes them: one CAS commit, trailer and all. */
export async function agentWrites(town: Town, change: (ledger: Ledger) => Ledger, message = "Polecat nux: REFACTOR of gt-p1 into two beads"): Promise<void> {
  await appStore(town).update(message, change);
}

/** A person's `git push`: the ledger file as they edited it, committed without any trailer. */
export async function personPushes(town: Town, change: (ledger: Ledger) => Ledger): Promise<void> {
  const current = (await town.ledger()) ?? Ledger.empty();
  await commitOnBranch(town.github, REPO, town.github.userToken("mayor"), {
    branch: LEDGER_BRANCH, files: { [LEDGER_PATH]: serializeLedger(change(current)) }, message: "Add the valve work by hand",
  });
}

/** The requests the App sent since `from`, as `METHOD path`. */
export function sentSince(town: Town, from: number): string[] {
  return town.sent.slice(from).map((s) => `${s.method} ${decodeURIComponent(s.url).replace(/\b[0-9a-f]{40}\b/g, "<sha>")}`);
}
