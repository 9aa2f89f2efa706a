// A work bead as a GitHub issue, and an issue's fields as a bead's, mapped as `bd github sync`
// maps them (reference/beads-format.md §6, DESIGN §5) so a team that syncs with Beads sees the
// same issue: title, body, open or closed, `status::`, `priority::` and `type::` labels and the
// bead's plain ones. Beyond `bd`: the body carries the bead's marker (issue-body.ts), a closed
// issue says whether the work was done or not planned, and the assignee is set where the bead's
// is a GitHub user (a polecat, `polecat/<name>`, is not). Which beads are mirrored at all
// is the repository's `mirror:` config; Gas Town's machinery never is.
import { NEVER_MIRRORED_TYPES, type MirrorSettings } from "../config/config-schema.js";
import { beadStatus, beadType, isEphemeral, TOMBSTONE, TYPE_ALIASES, type Bead } from "../ledger/bead-schema.js";
import { gastownString } from "../molecules/gastown-metadata.js";
import { descriptionFromBody, issueBody } from "./issue-body.js";
import { priorityFromLabels, priorityLabel, statusFromIssue, statusLabel, typeFromLabels, typeLabel, workLabels } from "./sync-labels.js";

export type StateReason = "completed" | "not_planned";

/** What an issue looks like when it mirrors a bead: the fields a create or an update sends. */
export interface IssueShape {
  readonly title: string;
  readonly body: string;
  readonly state: "open" | "closed";
  /** Why a closed issue is closed; null while open. GitHub reads it only when the state changes. */
  readonly state_reason: StateReason | null;
  /** `type::`, `priority::`, `status::` (not for open or closed) in the order `bd github sync` writes them, then the bead's own, sorted. */
  readonly labels: readonly string[];
  /**
   * The bead's assignee when it is a GitHub user, [] when it has none; undefined when it is
   * assigned to someone GitHub does not know (a polecat), so a person assigned on GitHub stays.
   */
  readonly assignees: readonly string[] | undefined;
}

// A login: letters, digits and single hyphens inside, at most 39 characters (GitHub's rule for
// user names). A polecat (`polecat/nux`), a Beads actor (`beads/crew/dave`), an email or a name
// with spaces is no GitHub user, and a bot (`name[bot]`) cannot be assigned.
const GITHUB_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;

/**
 * A close reason that says the work was not done: the words Beads users and GitHub use for it,
 * at the start of the reason (`Duplicate of bd-12`, `Stale merge request`). Any other reason
 * (`merged`, `Fixed in …`) is work completed.
 */
const NOT_PLANNED = /^(?:not[ _-]?planned|won'?t[ _-]?(?:fix|do)|wontfix|duplicate|obsolete|invalid|abandoned|burned|cancell?ed|rejected|stale|spurious|superseded)\b/i;

// A step bead is a task whose molecule root is `<prefix>-mol-<hash>` (or `-wisp-`): its id is that
// root's child, and pour records its formula step in its metadata.
const MOLECULE_CHILD = /-(?:mol|wisp)-[a-z0-9]+\.\d/;

export function isGitHubLogin(name: string): boolean {
  return GITHUB_LOGIN.test(name);
}

export function stateReason(closeReason: string | undefined): StateReason {
  return NOT_PLANNED.test((closeReason ?? "").trim()) ? "not_planned" : "completed";
}

/** The bead's assignee as the issue's assignees (IssueShape.assignees). */
export function issueAssignees(bead: Bead): string[] | undefined {
  if (bead.assignee === undefined || bead.assignee === "") return [];
  return isGitHubLogin(bead.assignee) ? [bead.assignee] : undefined;
}

/** The labels of the issue that mirrors `bead`. */
export function issueLabels(bead: Bead): string[] {
  const status = statusLabel(beadStatus(bead));
  return [typeLabel(beadType(bead)), priorityLabel(bead.priority), ...(status ? [status] : []), ...workLabels(bead.labels ?? [])];
}

/** The issue that mirrors `bead`. */
export function issueShape(bead: Bead): IssueShape {
  const closed = beadStatus(bead) === "closed";
  return {
    title: bead.title,
    body: issueBody(bead.id, bead.description),
    state: closed ? "closed" : "open",
    state_reason: closed ? stateReason(bead.close_reason) : null,
    labels: issueLabels(bead),
    assignees: issueAssignees(bead),
  };
}

/** An issue as the REST API and webhooks show it: the fields the mirror reads. */
export interface GitHubIssue {
  readonly html_url: string;
  readonly number: number;
  readonly title: string;
  readonly body?: string | null;
  readonly state?: string;
  readonly state_reason?: string | null;
  readonly labels?: readonly ({ readonly name?: string } | string)[];
  readonly assignee?: { readonly login: string } | null;
  readonly assignees?: readonly { readonly login: string }[] | null;
  /** The issue's last change: a state older than one the bead took in is not taken (issue-seen-at.ts). */
  readonly updated_at?: string | null;
}

/** What an issue says of each mirrored field of its bead. */
export interface IssueFields {
  readonly title: string;
  readonly description: string;
  /** The body holds only the start of the bead's description: not a value to take. */
  readonly descriptionCut: boolean;
  readonly status: string;
  /** GitHub's reason for a closed issue (`completed`, `not_planned`, `duplicate`); undefined while open or when GitHub gives none. */
  readonly close_reason: string | undefined;
  readonly priority: number;
  readonly issue_type: string;
  /** Sorted, without the scoped labels or Gas Town's `gt:` triggers. */
  readonly labels: readonly string[];
  /** The first assignee, as `bd github sync` takes it; undefined when nobody is assigned. */
  readonly assignee: string | undefined;
  /** `html_url`, as `bd github sync` records it. */
  readonly external_ref: string;
}

export function issueLabelNames(issue: Pick<GitHubIssue, "labels">): string[] {
  return (issue.labels ?? []).map((label) => (typeof label === "string" ? label : label.name ?? "")).filter(Boolean);
}

/** The bead fields `issue` says, read as `bd github sync` pulls them; `customStatuses` from the ledger's config. */
export function issueFields(issue: GitHubIssue, customStatuses: readonly string[] = []): IssueFields {
  const labels = issueLabelNames(issue);
  const state = issue.state === "closed" ? "closed" : "open";
  const { description, cut } = descriptionFromBody(issue.body);
  return {
    title: issue.title,
    description,
    descriptionCut: cut,
    status: statusFromIssue(state, labels, customStatuses),
    close_reason: state === "closed" ? issue.state_reason ?? undefined : undefined,
    priority: priorityFromLabels(labels),
    issue_type: typeFromLabels(labels),
    labels: workLabels(labels),
    assignee: issue.assignees?.[0]?.login ?? issue.assignee?.login,
    external_ref: issue.html_url,
  };
}

/** A proto, as Beads marks one: a template to pour, not work. */
function isTemplate(bead: Bead): boolean {
  return bead.is_template === true || (bead.labels ?? []).includes("template");
}

function canonicalType(type: string): string {
  return TYPE_ALIASES[type] ?? type;
}

/**
 * Whether `bead` is mirrored to a GitHub issue: a work bead of one of the configured types, never
 * Gas Town's machinery (molecules and their steps, wisps, messages, events, agents, merge
 * requests, slots, convoys), a template (a proto) or a deleted record.
 */
export function isMirrored(bead: Bead, mirror: MirrorSettings): boolean {
  if (!mirror.enabled) return false;
  const type = beadType(bead);
  if ((NEVER_MIRRORED_TYPES as readonly string[]).includes(type)) return false;
  if (!mirror.types.some((configured) => canonicalType(configured) === type)) return false;
  if (beadStatus(bead) === TOMBSTONE || isEphemeral(bead) || isTemplate(bead)) return false;
  return gastownString(bead, "step") === undefined && !MOLECULE_CHILD.test(bead.id);
}

/**
 * Whether an issue with these labels becomes a bead: all of them, or only those carrying the
 * mirror's label. GitHub compares label names without case, so a repository's `GT:Mirror` is the
 * configured `gt:mirror`.
 */
export function isImportedIssue(labels: readonly string[], mirror: MirrorSettings): boolean {
  const wanted = mirror.label.toLowerCase();
  return mirror.enabled && (mirror.issues === "all" || labels.some((label) => label.toLowerCase() === wanted));
}
