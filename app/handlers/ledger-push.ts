// A push to the ledger branch: the mirror applies to GitHub what it changed (issue 18). The push
// names the beads it changed (ledger-push.ts reads the commits' trailers) or, for a person's
// `git push`, a forced one or one listed in part, the ledgers before and after are diffed. A push
// that touches no ledger file, or only the mirror's own commits, costs no request.
import type { GitHubClient } from "../github/github-client.js";
import { LEDGER_PATH } from "../github/ledger-store.js";
import { Ledger } from "../ledger/ledger.js";
import { changedBeadIds } from "../mirror/changed-beads-trailer.js";
import { readLedgerPush, ZERO_SHA, type LedgerPush } from "../mirror/ledger-push.js";
import type { AppDependencies } from "./app-dependencies.js";
import { mirrorBeads, type MirrorReport } from "./mirror-beads.js";
import { openTown } from "./repository-town.js";

interface PushPayload extends LedgerPush {
  readonly repository: { readonly name: string; readonly default_branch?: string; readonly master_branch?: string; readonly owner: { readonly login?: string; readonly name?: string | null } };
}

export interface PushEvent {
  readonly payload: unknown;
  readonly github: GitHubClient;
}

/** What the mirror did for the push; undefined when it was none of its business. */
export async function handleLedgerPush(event: PushEvent, deps: AppDependencies, botLogin: () => Promise<string>): Promise<MirrorReport | undefined> {
  const push = event.payload as PushPayload;
  if (!push.ref.startsWith("refs/heads/")) return undefined;
  const reading = readLedgerPush(push, LEDGER_PATH);
  if (reading.kind === "none" || (reading.kind === "named" && reading.ids.length === 0)) return undefined;
  const { repository } = push;
  const owner = repository.owner.login ?? repository.owner.name ?? "";
  const opened = await openTown({ github: event.github, owner, repo: repository.name, defaultBranch: repository.default_branch ?? repository.master_branch ?? "main" }, deps);
  if (opened.kind !== "on") return undefined;
  const { town } = opened;
  if (push.ref !== `refs/heads/${town.config.ledger.branch}` || !town.config.mirror.enabled) return undefined;
  const after = await town.store.readAt(push.after);
  const ids = reading.kind === "named"
    ? reading.ids
    : changedBeadIds(push.before === ZERO_SHA ? Ledger.empty() : await town.store.readAt(push.before), after);
  if (ids.length === 0) return undefined;
  return await mirrorBeads({ ...town, botLogin: await botLogin() }, ids, after);
}
