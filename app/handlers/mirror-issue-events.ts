// GitHub → ledger, as a story:
//   1. the webhook read as a mirror change (app/mirror/mirror-changes.ts); the App's own doings,
//      pull requests and payloads that are no change stop here, with no request
//   2. the change joins its repository's batch (mirror-batch.ts)
//   3. the batch: the settings read once, every change applied in one compare-and-swap commit
//   4. after the commit, each issue edit the merge decided for the ledger's side is sent
// A person's edit so makes one round trip: one ledger commit and no edit back, and the ledger →
// GitHub direction skips that commit (the mirror's own) and, were it to look, finds both sides agree.
import { sendIssueEdit } from "../github/edit-issue.js";
import { MIRROR_COMMIT_PREFIX } from "../mirror/ledger-push.js";
import type { MirrorContext } from "../mirror/mirror-context.js";
import type { Ledger } from "../ledger/ledger.js";
import { applyMirrorChanges, issuesOf, mirrorChangeOf, type MirrorApplied, type MirrorChange } from "../mirror/mirror-changes.js";
import type { AppDependencies } from "./app-dependencies.js";
import type { GitHubEvent } from "./issue-events.js";
import { MirrorBatches } from "./mirror-batch.js";
import { LedgerStatuses, needsCustomStatuses } from "./mirror-statuses.js";
import { openTown, type RepositoryRef } from "./repository-town.js";

interface RepositoryPayload {
  readonly repository?: { readonly name?: unknown; readonly owner?: { readonly login?: unknown }; readonly default_branch?: unknown };
}

function repositoryOf(event: GitHubEvent): RepositoryRef | undefined {
  const repository = (event.payload as RepositoryPayload).repository;
  const owner = repository?.owner?.login;
  const repo = repository?.name;
  if (typeof owner !== "string" || typeof repo !== "string") return undefined;
  const defaultBranch = typeof repository?.default_branch === "string" ? repository.default_branch : "main";
  return { github: event.github, owner, repo, defaultBranch };
}

/** Takes an `issues`, `issue_comment`, `sub_issues` or `issue_dependencies` event into the ledger. */
export async function handleMirrorEvent(event: GitHubEvent, deps: AppDependencies, botLogin: string): Promise<void> {
  const change = mirrorChangeOf(event.name, event.payload, botLogin);
  const ref = repositoryOf(event);
  if (change === undefined || ref === undefined) return;
  if (!(await mayChangeLedger(event, ref, deps))) return;
  // Outside gastownApp (which makes one for the process) each event is its own batch.
  const batches = deps.mirrorBatches ?? new MirrorBatches<MirrorChange>();
  await batches.submit(`${ref.owner}/${ref.repo}`, change, (take) => applyBatch(ref, deps, botLogin, take));
}

/**
 * Whether the event can change the ledger at all. A `gt:` label is Gas Town's trigger, never a
 * bead's label, so putting one on or taking one off changes no mirrored field; only the mirror's
 * own label brings an issue in. Such events (every sling, unsling, queue and escalation) then
 * cost no ledger read: the settings' read they share with the sling's handler says which label
 * is the mirror's. What else a lost webhook left behind, the drift repair takes in.
 */
async function mayChangeLedger(event: GitHubEvent, ref: RepositoryRef, deps: AppDependencies): Promise<boolean> {
  const payload = event.payload as { action?: unknown; label?: { name?: unknown } };
  const label = payload.label?.name;
  if (event.name !== "issues" || typeof label !== "string" || !label.toLowerCase().startsWith("gt:")) return true;
  if (payload.action !== "labeled") return false;
  const opened = await openTown(ref, deps);
  return opened.kind === "on" && label.toLowerCase() === opened.town.config.mirror.label.toLowerCase();
}

async function applyBatch(ref: RepositoryRef, deps: AppDependencies, botLogin: string, take: () => readonly MirrorChange[]): Promise<void> {
  const opened = await openTown(ref, deps);
  // A repository switched off, or whose settings do not read, mirrors nothing; the events that
  // are requests (labels, commands) say so on the issue through their own handler.
  if (opened.kind !== "on" || !opened.town.config.mirror.enabled) return;
  const { town } = opened;
  const context: MirrorContext = {
    now: deps.clock(), mirror: town.config.mirror, configPrefix: town.config.ledger.prefix ?? undefined,
    fallbackPrefix: town.fallbackPrefix, botLogin,
  };
  let applied: MirrorApplied | undefined;
  // The ledger config's custom statuses, read only for a batch whose issues carry a `status::`
  // label naming no built-in status: the batch is known once taken, in the mutation, so such a
  // batch writes nothing the first time, and is applied once they are read, on the ledger just read.
  let customStatuses: readonly string[] | undefined;
  let unread = false;
  // The mirror's subject: the push of this commit asks the ledger → GitHub direction nothing, as
  // what it records is GitHub's already, and the edits for the ledger's side are sent below.
  const message = () => `${MIRROR_COMMIT_PREFIX}taken from GitHub (${applied?.summary ?? "nothing"})`;
  const mutate = (ledger: Ledger): Ledger => {
    const changes = take();
    unread = customStatuses === undefined && needsCustomStatuses(issuesOf(changes));
    if (unread) return ledger;
    applied = applyMirrorChanges(ledger, changes, { ...context, customStatuses: customStatuses ?? [] });
    return applied.ledger;
  };
  const first = await town.store.update(message, mutate);
  if (unread) {
    customStatuses = await new LedgerStatuses(town.store).for(issuesOf(take()));
    await town.store.update(message, mutate, { from: first.state });
  }
  // After the commit, never before: an edit sent for a commit that then lost would say what the
  // ledger does not. The commit recorded the edited fields as GitHub held them (beadUntilEdited),
  // so a crash between the two leaves an edit the next sync of the issue sends again.
  for (const { issueNumber, edit } of applied?.edits ?? []) {
    await sendIssueEdit(town.github, { owner: town.owner, repo: town.repo, issue_number: issueNumber }, edit);
  }
}
