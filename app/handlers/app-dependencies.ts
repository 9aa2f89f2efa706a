// What the App takes from outside (STYLE §3): the clock, randomness, waiting, and how it loads
// configuration and formulas. `index.ts` passes the real ones; tests pass a fixed clock and
// waits that do not wait, so nothing is patched.
import type { ConfigTexts } from "../config/repository-config.js";
import { fetchConfigTexts } from "../github/config-files.js";
import type { GitHubClient } from "../github/github-client.js";
import type { LedgerLanes } from "../github/ledger-lanes.js";
import type { LedgerState } from "../github/ledger-store.js";
import type { MirrorChange } from "../mirror/mirror-changes.js";
import { repositoryFormulaLibrary } from "../github/repository-formulas.js";
import type { FormulaLibrary } from "../molecules/resolve-formula.js";
import type { MirrorBatches } from "./mirror-batch.js";
import type { runRefinery } from "./refinery-run.js";

export interface AppDependencies {
  readonly clock: () => Date;
  /** In [0, 1): the ledger store's backoff jitter. */
  readonly random: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** The repository's and the organisation's `.github/gastown.yml`, read apart. */
  readonly loadConfig: (github: GitHubClient, owner: string, repo: string) => Promise<ConfigTexts>;
  /** The formulas `names` need: the repository's `.beads/formulas/`, then the shipped ones. */
  readonly loadFormulas: (github: GitHubClient, repo: { owner: string; repo: string }, names: readonly string[]) => Promise<FormulaLibrary>;
  /**
   * The login the App acts as (`<slug>[bot]`), whose events are its own answers. Undefined: ask
   * GitHub with the App's JWT (`GET /app`). A workflow token cannot, so Actions-only mode names it.
   */
  readonly botLogin?: string;
  /** One process's ledger writes, one after another per branch; gastownApp() makes them. */
  readonly ledgerLanes?: LedgerLanes;
  /** One process's mirror changes, batched per repository (mirror-batch.ts); gastownApp() makes them. */
  readonly mirrorBatches?: MirrorBatches<MirrorChange>;
  /** A ledger read shared by the handlers of one event (event-config.ts); none: each reads its own. */
  readonly shareLedgerRead?: (key: string, read: () => Promise<LedgerState>) => Promise<LedgerState>;
  /** The refinery's step an event wakes (handlers/refinery-run.ts) unless given; tests pass a spy. */
  readonly refinery?: typeof runRefinery;
}

export const realDependencies: AppDependencies = {
  clock: () => new Date(),
  random: Math.random,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  loadConfig: fetchConfigTexts,
  loadFormulas: (github, repo, names) => repositoryFormulaLibrary(github, repo, names),
};
