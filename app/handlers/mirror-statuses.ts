// The ledger's custom statuses for a mirror pass, from `.beads/config.yaml` on the ledger branch:
// what a `status::<name>` label on GitHub may set on a bead beside the built-in statuses. Read at
// most once a pass, and only when an issue of the pass carries a `status::` label naming no
// built-in status, so a pass that meets none (nearly every one) costs no request for it.
import { LedgerConfigError } from "../ledger/ledger-config.js";
import type { LedgerStore } from "../github/ledger-store.js";
import { issueLabelNames, type GitHubIssue } from "../mirror/issue-shape.js";
import { namesCustomStatus } from "../mirror/sync-labels.js";

/** Whether any of `issues` needs the ledger's custom statuses to be read rightly. */
export function needsCustomStatuses(issues: Iterable<GitHubIssue>): boolean {
  for (const issue of issues) if (namesCustomStatus(issueLabelNames(issue))) return true;
  return false;
}

export class LedgerStatuses {
  private read: Promise<readonly string[]> | undefined;

  constructor(private readonly store: Pick<LedgerStore, "readConfig">) {}

  /** The custom statuses to sync `issues` with: none, and no request, when none of them needs any. */
  async for(issues: Iterable<GitHubIssue>): Promise<readonly string[]> {
    if (this.read === undefined && !needsCustomStatuses(issues)) return [];
    this.read ??= this.readStatuses();
    return await this.read;
  }

  private async readStatuses(): Promise<readonly string[]> {
    try {
      return (await this.store.readConfig()).customStatuses;
    } catch (error) {
      // A config Beads itself could not read names no status the mirror could: the built-in ones stay.
      if (error instanceof LedgerConfigError) return [];
      throw error;
    }
  }
}
