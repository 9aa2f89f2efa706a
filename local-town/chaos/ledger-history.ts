// The ledger branch's history, oldest commit first, each commit's subject with every bead's
// status as its `.beads/issues.jsonl` had it: what the invariant checks read (invariants.ts).
import { LEDGER_PATH } from "../../app/github/ledger-store.js";
import { problemSummary } from "../../app/ledger/ledger-problems.js";
import { readLedger } from "../../app/ledger/read-ledger.js";
import type { BareRepo } from "../../test/emulator/git/bare-repo.js";
import type { LedgerCommit } from "./invariants.js";

export const LEDGER_REF = "refs/heads/gastown/ledger";

export async function ledgerHistory(git: BareRepo): Promise<LedgerCommit[]> {
  if ((await git.resolveRef(LEDGER_REF)) === undefined) return [];
  const log = await git.git(["log", "--reverse", "--topo-order", "--format=%H%x09%s", LEDGER_REF]);
  const commits: LedgerCommit[] = [];
  for (const line of log.split("\n").filter((l) => l !== "")) {
    const [sha = "", subject = ""] = line.split("\t");
    const file = await git.fileAt(sha, LEDGER_PATH);
    const read = readLedger(file?.content.toString("utf8") ?? "", { file: LEDGER_PATH });
    commits.push({
      sha, subject,
      problems: read.ok ? [] : problemSummary(read.problems.filter((p) => p.severity === "error"), 5),
      // The whole ledger is kept by status only: what the checks compare from commit to commit.
      beads: read.ok ? Object.fromEntries(read.ledger.beads().map((b) => [b.id, { status: String(b.status ?? "open"), type: String(b.issue_type ?? "task") }])) : {},
    });
  }
  return commits;
}
