// Issue events → sling and unsling: which event is a request, whether its sender may make it,
// and the answer when they may not, or when the ledger branch does not read. What a sling or
// unsling then does lives in sling-issue.ts and unsling-issue.ts.
import { parseCommands, type Command, type CommandWord } from "../commands/parse-commands.js";
import type { GastownConfig } from "../config/config-schema.js";
import type { GitHubClient } from "../github/github-client.js";
import { replyToIssue } from "../github/issue-comments.js";
import { addLabels, removeLabel } from "../github/issue-labels.js";
import { repositoryRole } from "../github/permissions.js";
import { LedgerReadError } from "../ledger/read-ledger.js";
import type { IssueSnapshot } from "../town/import-issue.js";
import { helpText, READ_COMMANDS } from "../town/help-text.js";
import { withoutMentions } from "../town/fenced-text.js";
import { readSlingLabel } from "../town/sling-label.js";
import { isStateLabel } from "../town/state-labels.js";
import { mayDrive, type Sender, type TrustDecision } from "../town/trust.js";
import { renderUnreadableLedger } from "../town/unreadable-ledger.js";
import type { AppDependencies } from "./app-dependencies.js";
import { showStatus } from "./issue-status.js";
import { openTown, type RepositoryRef, type Town, type TownEvent } from "./repository-town.js";
import { escalateIssue, nudgeIssue, type MessageCommand } from "./message-commands.js";
import { peekIssue } from "./peek-issue.js";
import { dequeuePullRequest, queuePullRequest } from "./queue-pull.js";
import { slingIssue } from "./sling-issue.js";
import { unslingIssue } from "./unsling-issue.js";

/** An event as any adapter hands it over: Probot's context, or a workflow's event file. */
export interface GitHubEvent {
  /** `issues`, `issue_comment`, … */
  readonly name: string;
  readonly payload: unknown;
  readonly github: GitHubClient;
}

export interface IssuePayload {
  readonly html_url: string;
  readonly number: number;
  readonly id?: number;
  readonly title: string;
  readonly body?: string | null;
  readonly labels?: readonly ({ readonly name?: string } | string)[];
  readonly state?: string;
  readonly created_at: string;
  readonly user: { readonly login: string } | null;
  readonly pull_request?: unknown;
}

interface EventPayload {
  readonly action?: string;
  readonly issue?: IssuePayload;
  readonly label?: { readonly name: string };
  readonly comment?: {
    readonly id: number;
    readonly html_url: string;
    readonly body?: string;
    readonly user: { readonly login: string; readonly type: string } | null;
  };
  readonly sender: Sender;
  readonly repository: { readonly name: string; readonly owner: { readonly login: string }; readonly default_branch: string };
}

/** The issue events the App takes: labels added and removed, comments made. */
export async function handleIssueEvent(event: GitHubEvent, deps: AppDependencies, botLogin: string): Promise<void> {
  const payload = event.payload as EventPayload;
  const issue = payload.issue;
  // The App's own labels and comments are its answers, never requests (no loops).
  if (!issue || payload.sender.login === botLogin) return;
  const ref = {
    github: event.github, owner: payload.repository.owner.login, repo: payload.repository.name,
    defaultBranch: payload.repository.default_branch, botLogin,
  };
  if (event.name === "issues" && (payload.action === "labeled" || payload.action === "unlabeled") && payload.label) {
    await onLabel(ref, deps, payload, issue, payload.label.name, payload.action);
  } else if (event.name === "issue_comment" && payload.action === "created" && payload.comment) {
    await onComment(ref, deps, payload, issue, payload.comment);
  }
}

async function onLabel(
  ref: RepositoryRef & { botLogin: string }, deps: AppDependencies, payload: EventPayload, issue: IssuePayload,
  label: string, action: "labeled" | "unlabeled",
): Promise<void> {
  // Triggers are gt: labels: any other is none of Gas Town's business, and costs no request.
  if (!label.startsWith("gt:") || isStateLabel(label) || issue.pull_request !== undefined) return;
  const snapshot = issueSnapshot(issue);
  const town = await openTownOrExplain(ref, deps, snapshot, true);
  if (!town) return;
  const trigger = readSlingLabel(label, town.config.sling.label);
  if (!trigger) return;
  const trust = await checkTrust(town, payload.sender);
  const issueRef = { owner: town.owner, repo: town.repo, issue_number: issue.number };
  if (!trust.allowed) {
    // Put the labels back as they were, so a sling label always means slung.
    if (action === "labeled") await removeLabel(town.github, issueRef, label);
    else await addLabels(town.github, issueRef, [label]);
    await refuse(town, snapshot, trust.reason, action === "labeled" ? `label ${label} was taken off again` : `label ${label} was put back`);
    return;
  }
  try {
    if (action === "labeled") {
      await slingIssue(town, { issue: snapshot, formula: trigger.formula, vars: {}, sender: payload.sender.login, acknowledge: issueRef });
    } else {
      await unslingIssue(town, { issue: snapshot, abandon: false, sender: payload.sender.login });
    }
  } catch (error) {
    if (!(error instanceof LedgerReadError)) throw error;
    const notDone = action === "labeled" ? "this issue was not slung" : "this issue was not unslung";
    await answerUnreadableLedger(town, snapshot, payload.sender.login, notDone, error);
  }
}

async function onComment(
  ref: RepositoryRef & { botLogin: string }, deps: AppDependencies, payload: EventPayload, issue: IssuePayload,
  comment: NonNullable<EventPayload["comment"]>,
): Promise<void> {
  const parsed = parseCommands(comment.body ?? "");
  if (parsed.commands.length === 0 && parsed.problems.length === 0) return;
  const snapshot = issueSnapshot(issue);
  const town = await openTownOrExplain(ref, deps, snapshot, true);
  if (!town) return;
  const sender = payload.sender;
  const say = (body: string) => replyToIssue(town.github, { owner: town.owner, repo: town.repo, issue_number: issue.number }, body);
  // A person's role is asked of GitHub once per comment; each command then needs its own level,
  // and even a command that does not read needs read access to be answered.
  const role = sender.type === "Bot" ? undefined : await repositoryRole(town.github, town.owner, town.repo, sender.login);
  const reading: GastownConfig["trust"] = { ...town.config.trust, permission: "read" };
  const needs = parsed.problems.length > 0 ? [reading] : [];
  for (const command of parsed.commands) needs.push(READ_COMMANDS.has(wordOf(command)) ? reading : town.config.trust);
  const refused = needs.map((trust) => mayDrive(sender, role, trust)).find((decision) => !decision.allowed);
  if (refused && !refused.allowed) {
    await refuse(town, snapshot, refused.reason, "nothing was done");
    return;
  }
  if (parsed.problems.length > 0) {
    // A problem quotes the commenter's words, which are theirs to mention people in, not the App's.
    const lines = parsed.problems.map((p) => `- line ${p.line}: ${withoutMentions(p.message)}`);
    await say([`@${sender.login}, Gas Town could not read that, so it did nothing:`, "", ...lines].join("\n"));
    return;
  }
  const acknowledge = { owner: town.owner, repo: town.repo, comment_id: comment.id };
  const onPullRequest = issue.pull_request !== undefined;
  // One answer a command: a second /peek in the same comment would only repeat the first.
  const commands = parsed.commands.filter((command, i, all) => command.name !== "peek" || all.findIndex((c) => c.name === "peek") === i);
  for (const command of commands) {
    if (onPullRequest && ISSUE_ONLY.has(command.name)) {
      await say(`@${sender.login}: \`/${command.name}\` works on issues; this is a pull request.`);
      continue;
    }
    try {
      await runCommand(town, command, { issue: snapshot, sender: sender.login, commentUrl: comment.html_url, acknowledge, onPullRequest, say });
    } catch (error) {
      if (!(error instanceof LedgerReadError)) throw error;
      // The commands after it would meet the same ledger: one answer says it for all of them.
      await answerUnreadableLedger(town, snapshot, sender.login, `\`/${wordOf(command)}\` was not done`, error);
      return;
    }
  }
}

interface CommandContext extends Omit<MessageCommand, "text"> {
  readonly onPullRequest: boolean;
  readonly say: (body: string) => Promise<unknown>;
}

async function runCommand(town: TownEvent, command: Command, context: CommandContext): Promise<void> {
  const { issue, sender, acknowledge, say } = context;
  switch (command.name) {
    case "sling":
      await slingIssue(town, { issue, formula: command.formula, vars: command.vars, sender, acknowledge });
      return;
    case "retry":
      await slingIssue(town, { issue, formula: undefined, vars: {}, sender, acknowledge, retry: true });
      return;
    case "unsling":
      await unslingIssue(town, { issue, abandon: command.abandon, sender, acknowledge });
      return;
    case "nudge":
      await nudgeIssue(town, { ...context, text: command.text });
      return;
    case "escalate":
      await escalateIssue(town, { ...context, text: command.text });
      return;
    case "help":
      await say(helpText(town.config));
      return;
    case "queue":
    case "dequeue":
      if (!context.onPullRequest) {
        await say(`@${sender}: \`/${command.name}\` works on pull requests; this is an issue.`);
        return;
      }
      await (command.name === "queue" ? queuePullRequest : dequeuePullRequest)(town, { issue, sender, acknowledge });
      return;
    case "peek":
      await peekIssue(town, {
        issue, pullRequest: context.onPullRequest, all: command.all, sender, acknowledge,
        ...(command.lines === undefined ? {} : { lines: command.lines }),
      });
      return;
  }
}

/**
 * A ledger branch that does not read: its errors, a few lines and a count, on the issue where the
 * person acted, rather than an event that fails with no word to them. Nothing was written.
 */
async function answerUnreadableLedger(town: Town, issue: IssueSnapshot, sender: string, notDone: string, error: LedgerReadError): Promise<void> {
  await replyToIssue(town.github, { owner: town.owner, repo: town.repo, issue_number: issue.number },
    renderUnreadableLedger({ sender, branch: town.config.ledger.branch, notDone, problems: error.problems }));
}

/** Commands about an issue's own work, which a pull request's comment cannot name. */
const ISSUE_ONLY: ReadonlySet<Command["name"]> = new Set(["sling", "unsling", "retry", "nudge", "escalate"]);

/** The word a parsed command was written with. */
function wordOf(command: Command): CommandWord {
  return command.name === "help" ? "gt" : command.name;
}

/**
 * The town, when the repository is switched on and its config reads. A broken config is shown
 * on the issue when the event was meant for Gas Town, and nothing else is done.
 */
async function openTownOrExplain(
  ref: RepositoryRef & { botLogin: string }, deps: AppDependencies, issue: IssueSnapshot, meantForUs: boolean,
): Promise<TownEvent | undefined> {
  const opened = await openTown(ref, deps);
  if (opened.kind === "on") return { ...opened.town, botLogin: ref.botLogin };
  if (opened.kind === "invalid" && meantForUs) {
    await showStatus(ref, issue, {
      // The settings do not read, so there is no sandbox setting to show (and no bead either).
      state: "error", now: deps.clock(), detail: opened.error.message, sandbox: undefined,
      headline: "Gas Town's settings have problems, so it takes no action in this repository until they are fixed:",
    });
  }
  return undefined;
}

async function checkTrust(town: Town, sender: Sender): Promise<TrustDecision> {
  // A bot's standing is the config's list alone; a person's role is asked of GitHub every time.
  const role = sender.type === "Bot" ? undefined : await repositoryRole(town.github, town.owner, town.repo, sender.login);
  return mayDrive(sender, role, town.config.trust);
}

async function refuse(town: Town, issue: IssueSnapshot, reason: string, undone: string): Promise<void> {
  await replyToIssue(town.github, { owner: town.owner, repo: town.repo, issue_number: issue.number }, `${reason}, so ${undone}.`);
}

export function issueSnapshot(issue: IssuePayload): IssueSnapshot {
  return {
    url: issue.html_url,
    number: issue.number,
    ...(typeof issue.id === "number" ? { id: issue.id } : {}),
    title: issue.title,
    body: issue.body ?? null,
    labels: (issue.labels ?? []).map((label) => (typeof label === "string" ? label : label.name ?? "")).filter(Boolean),
    state: issue.state === "closed" ? "closed" : "open",
    createdAt: issue.created_at,
    author: issue.user?.login ?? "ghost",
  };
}
