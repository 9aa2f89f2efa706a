// What the town leaves to look at: a clone of the harbor with every branch, and the ledger's
// `.beads/` as gastown/ledger holds it, written out of the emulator (whose own files go with it).
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { REPO, type Town } from "../test/app/app-harness.js";
import { gitClient } from "../test/emulator/testing.js";
import type { Digest, IssueOutcome } from "./summary.js";

export interface Exported {
  readonly clone: string;
  readonly ledger: string;
  readonly issues: readonly IssueOutcome[];
  readonly digests: readonly Digest[];
}

export async function exportTown(town: Town, slung: readonly number[], dir: string): Promise<Exported> {
  const clone = join(dir, "harbor");
  const ledgerDir = join(dir, "ledger");
  await mkdir(dir, { recursive: true });
  await gitClient(dir, "clone", "--quiet", town.github.gitUrl(REPO, town.github.userToken("mayor")), clone);
  await gitClient(clone, "remote", "set-url", "origin", town.github.gitUrl(REPO));
  const bare = town.github.git(REPO);
  const tip = await bare.resolveRef("refs/heads/gastown/ledger");
  const digests: Digest[] = [];
  if (tip !== undefined) {
    const listed = await bare.git(["ls-tree", "-r", "--name-only", tip, ".beads"]);
    for (const path of listed.split("\n").filter((p) => p !== "")) {
      const file = await bare.fileAt(tip, path);
      if (file === undefined) continue;
      const target = join(ledgerDir, path.slice(".beads/".length));
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, file.content);
      if (path.startsWith(".beads/digests/")) {
        digests.push(...file.content.toString("utf8").split("\n").filter((line) => line.trim() !== "").map((line) => JSON.parse(line) as Digest));
      }
    }
  }
  const ledger = await town.ledger();
  const issues = slung.map((number) => {
    const issue = town.issue(number);
    const bead = ledger?.beads().find((b) => b.external_ref?.endsWith(`/${REPO}/issues/${number}`));
    return { number, title: issue.title, state: issue.state, bead: bead?.id, beadStatus: bead?.status };
  });
  return { clone, ledger: ledgerDir, issues, digests };
}
