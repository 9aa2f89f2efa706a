// GitHub wakes convoys: a tracked issue closed or reopened, in any repository of the
// installation, and a sub-issue added to or removed from a convoy's tracking issue step that
// convoy at once (convoy-run.ts), rather than at the next patrol pass. Finding the convoy costs an
// event about an issue no convoy tracks no request beyond what the delivery reads anyway:
//   1. the payload: the App's own events (its steps close issues and put labels on) and pull
//      requests stop here; a `sub_issues` event goes on only when the parent is a convoy issue
//      (`gt:convoy`, or an epic), as its labels in the payload show
//   2. the repository's settings, the read every handler of the delivery shares (event-config.ts)
//   3. the ledger: with the mirror on, the read the mirror makes for the same delivery (shared
//      while in flight); with it off, one request, and for `issues` only when the issue carries a
//      sling label, as every sub-issue a convoy slung does (one closed before it was slung is the
//      patrol's to count, with the mirror off)
//   4. the convoys it shows tracking the issue (the open ones of this ledger that list it, and the
//      one its work bead was slung for, wherever that lives), or the tracking issue's own, stepped
//
// GitHub sends a sub-issue change to both issues' repositories: `sub_issue_*` to the parent's,
// where the convoy lives, and `parent_issue_*` to the child's. The first is enough, so the second
// is left alone and a change steps the convoy once.
import type { LedgerState } from "../github/ledger-store.js";
import type { Ledger } from "../ledger/ledger.js";
import { convoyRef, convoysTracking, isConvoyIssue } from "../town/convoy.js";
import { readSlingLabel } from "../town/sling-label.js";
import type { AppDependencies } from "./app-dependencies.js";
import { stepConvoys, type ConvoyStep } from "./convoy-run.js";
import { issueSnapshot, type GitHubEvent, type IssuePayload } from "./issue-events.js";
import { openTown, type TownEvent } from "./repository-town.js";

interface WakePayload {
  readonly action?: string;
  readonly sender?: { readonly login?: string };
  readonly issue?: IssuePayload;
  readonly parent_issue?: IssuePayload;
  readonly repository?: { readonly name?: string; readonly owner?: { readonly login?: string }; readonly default_branch?: string };
}

/** The events that may wake a convoy: `issues.closed`, `issues.reopened` and `sub_issues`. */
export const CONVOY_WAKE_EVENTS = ["issues.closed", "issues.reopened", "sub_issues"] as const;

/** Steps the convoys the event concerns; the steps taken, none when it concerns none. */
export async function wakeConvoysOnEvent(event: GitHubEvent, deps: AppDependencies, botLogin: string): Promise<ConvoyStep[]> {
  const payload = event.payload as WakePayload;
  const owner = payload.repository?.owner?.login;
  const name = payload.repository?.name;
  if (payload.sender?.login === botLogin || typeof owner !== "string" || typeof name !== "string") return [];
  const issue = wokenIssue(event.name, payload);
  if (issue === undefined || issue.pull_request !== undefined) return [];

  const opened = await openTown({ github: event.github, owner, repo: name, defaultBranch: payload.repository?.default_branch ?? "main" }, deps);
  if (opened.kind !== "on") return [];
  const town: TownEvent = { ...opened.town, botLogin };
  const { labels } = issueSnapshot(issue);
  const mirrored = town.config.mirror.enabled;
  const slung = labels.some((label) => readSlingLabel(label, town.config.sling.label) !== undefined);
  if (event.name === "issues" && !mirrored && !slung) return [];

  const seen = await ledgerOf(town, mirrored);
  const repo = `${owner}/${name}`;
  const refs = event.name === "sub_issues" ? [convoyRef(repo, issue.number)] : convoysTracking(seen.ledger, { repo, number: issue.number, url: issue.html_url });
  return refs.length === 0 ? [] : await stepConvoys(town, refs, { seen });
}

/** The issue whose convoy may wake: the one closed or reopened, or the parent a sub-issue changed under. */
function wokenIssue(name: string, payload: WakePayload): IssuePayload | undefined {
  if (name === "issues") return payload.action === "closed" || payload.action === "reopened" ? payload.issue : undefined;
  if (name !== "sub_issues" || (payload.action !== "sub_issue_added" && payload.action !== "sub_issue_removed")) return undefined;
  const parent = payload.parent_issue;
  return parent !== undefined && isConvoyIssue(issueSnapshot(parent).labels) ? parent : undefined;
}

/**
 * The ledger: with the mirror on, through the store's read, which the mirror's handler of the same
 * delivery shares; with it off, in one request.
 */
async function ledgerOf(town: TownEvent, mirrored: boolean): Promise<{ readonly ledger: Ledger; readonly state?: LedgerState }> {
  if (!mirrored) return { ledger: await town.store.peek() };
  const state = await town.store.read();
  return { ledger: state.ledger, state };
}
