// `sub_issues` and `issue_dependencies` webhooks as bead dependencies between the linked beads of
// both issues: a sub-issue is `{issue_id: child, depends_on_id: parent, type: "parent-child"}`,
// "X blocked by Y" is `{issue_id: X, depends_on_id: Y, type: "blocks"}`. The link is recorded in
// the child's (the blocked one's) `metadata.gastown.synced_links` too, as both sides now agree on
// it, so the ledger → GitHub direction finds nothing to send back.
//
// GitHub sends each change twice, once to each side (`sub_issue_added` to the parent,
// `parent_issue_added` to the child; `blocked_by_added` to the blocked issue, `blocking_added`
// to the blocker): both read as the same change, and the second finds it made. A link with an
// end that is no linked bead (an issue not in the ledger, or in another repository) is not
// mirrored: nothing happens.
import type { Bead, Dependency } from "../ledger/bead-schema.js";
import { beadByExternalRef } from "../ledger/external-ref.js";
import type { Ledger } from "../ledger/ledger.js";
import { timestamp } from "../molecules/pour.js";
import { isMirrored } from "./issue-shape.js";
import { syncedLinks, withSyncedLinks, type BeadLinks } from "./mirror-links.js";
import { loginOf, recordAt, type MirrorContext } from "./mirror-context.js";

export type LinkKind = "parent" | "blocked_by";

export interface LinkChange {
  readonly kind: "link";
  readonly link: LinkKind;
  readonly added: boolean;
  /** The issue the dependency is on: the sub-issue, or the blocked issue (its `html_url`). */
  readonly from: string;
  /** The issue it depends on: the parent, or the blocker. */
  readonly to: string;
  readonly sender: string;
}

/** The dependency type each link is in the ledger. */
export const LINK_DEPENDENCY: Readonly<Record<LinkKind, string>> = { parent: "parent-child", blocked_by: "blocks" };

const SUB_ISSUE_ACTIONS: Readonly<Record<string, boolean>> = {
  sub_issue_added: true, parent_issue_added: true, sub_issue_removed: false, parent_issue_removed: false,
};
const DEPENDENCY_ACTIONS: Readonly<Record<string, boolean>> = {
  blocked_by_added: true, blocking_added: true, blocked_by_removed: false, blocking_removed: false,
};

function urlOf(payload: unknown, key: string): string | undefined {
  const url = recordAt(payload, key)?.html_url;
  return typeof url === "string" ? url : undefined;
}

/** The change a `sub_issues` or `issue_dependencies` webhook makes, or undefined when it is not one. */
export function linkChangeOf(event: string, action: string, payload: unknown): LinkChange | undefined {
  const sender = loginOf(recordAt(payload, "sender")) ?? "ghost";
  const [table, link, from, to] = event === "sub_issues"
    ? [SUB_ISSUE_ACTIONS, "parent" as const, urlOf(payload, "sub_issue"), urlOf(payload, "parent_issue")]
    : event === "issue_dependencies"
      ? [DEPENDENCY_ACTIONS, "blocked_by" as const, urlOf(payload, "blocked_issue"), urlOf(payload, "blocking_issue")]
      : [undefined, undefined, undefined, undefined];
  const added = table?.[action];
  if (added === undefined || link === undefined || from === undefined || to === undefined) return undefined;
  return { kind: "link", link, added, from, to, sender };
}

/** The links with the one to `target` added or removed; the same object when they already say so. */
function withLink(links: BeadLinks, kind: LinkKind, target: string, added: boolean): BeadLinks {
  if (kind === "parent") {
    if (added ? links.parent === target : links.parent !== target) return links;
    return added ? { ...links, parent: target } : { blocked_by: links.blocked_by };
  }
  if (links.blocked_by.includes(target) === added) return links;
  const rest = links.blocked_by.filter((id) => id !== target);
  return { ...links, blocked_by: added ? [...rest, target] : rest };
}

function isLink(dependency: Dependency, to: string, type: string): boolean {
  return dependency.depends_on_id === to && dependency.type === type;
}

/** The ledger with the link made or removed between the two linked beads; the same ledger when nothing changes. */
export function applyLinkChange(ledger: Ledger, change: LinkChange, context: MirrorContext): Ledger {
  const from = beadByExternalRef(ledger, change.from);
  const to = beadByExternalRef(ledger, change.to);
  if (from === undefined || to === undefined || from.id === to.id) return ledger;
  if (!isMirrored(from, context.mirror) || !isMirrored(to, context.mirror)) return ledger;
  const type = LINK_DEPENDENCY[change.link];
  const dependencies = from.dependencies ?? [];
  const has = dependencies.some((dependency) => isLink(dependency, to.id, type));
  const links = syncedLinks(from);
  const nextLinks = withLink(links, change.link, to.id, change.added);
  if (has === change.added && nextLinks === links) return ledger;
  let bead: Bead = from;
  if (has !== change.added) {
    const now = timestamp(context.now);
    const next = change.added
      ? [...dependencies, { issue_id: from.id, depends_on_id: to.id, type, created_at: now, created_by: change.sender }]
      : dependencies.filter((dependency) => !isLink(dependency, to.id, type));
    const changed: Record<string, unknown> = { ...from, dependencies: next, updated_at: now };
    if (next.length === 0) delete changed.dependencies;
    bead = changed as Bead;
  }
  if (nextLinks !== links) bead = withSyncedLinks(bead, nextLinks);
  return ledger.withBead(bead);
}
