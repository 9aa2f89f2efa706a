// A repository as a town: its settings, if it is switched on, and its ledger store. Every
// handler starts here, so a repository without its own `.github/gastown.yml` is left alone and
// one whose file is broken gets no action but the error until it is fixed.
import type { GastownConfig } from "../config/config-schema.js";
import { ConfigError } from "../config/read-config.js";
import { repositoryConfig } from "../config/repository-config.js";
import type { GitHubClient } from "../github/github-client.js";
import { LedgerStore } from "../github/ledger-store.js";
import { prefixForRepository } from "../town/repository-prefix.js";
import type { AppDependencies } from "./app-dependencies.js";

export interface RepositoryRef {
  readonly github: GitHubClient;
  readonly owner: string;
  readonly repo: string;
  readonly defaultBranch: string;
}

export interface Town extends RepositoryRef {
  readonly config: GastownConfig;
  readonly store: LedgerStore;
  /** The prefix of new bead ids when neither the config nor the ledger names one. */
  readonly fallbackPrefix: string;
  readonly deps: AppDependencies;
}

/** A town as an event sees it: with the login the App acts as, whose events are its own. */
export type TownEvent = Town & { readonly botLogin: string };

export type TownOpening =
  | { readonly kind: "off"; readonly reason: string }
  | { readonly kind: "invalid"; readonly error: ConfigError }
  | { readonly kind: "on"; readonly town: Town };

export async function openTown(ref: RepositoryRef, deps: AppDependencies): Promise<TownOpening> {
  const texts = await deps.loadConfig(ref.github, ref.owner, ref.repo);
  let decided;
  try {
    decided = repositoryConfig(texts);
  } catch (error) {
    if (error instanceof ConfigError) return { kind: "invalid", error };
    throw error;
  }
  if (!decided.enabled) return { kind: "off", reason: decided.reason };
  const config = decided.config;
  const fallbackPrefix = prefixForRepository(ref.repo);
  const store = new LedgerStore(ref.github, {
    owner: ref.owner,
    repo: ref.repo,
    branch: config.ledger.branch,
    prefix: config.ledger.prefix ?? fallbackPrefix,
    sleep: deps.sleep,
    random: deps.random,
    ...(deps.ledgerLanes ? { lanes: deps.ledgerLanes } : {}),
    ...(deps.shareLedgerRead ? { sharedRead: deps.shareLedgerRead } : {}),
  });
  return { kind: "on", town: { ...ref, config, store, fallbackPrefix, deps } };
}
