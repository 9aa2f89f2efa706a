// A bead's status, priority and type as GitHub labels, both ways, as `bd github sync` maps them
// (reference/beads-format.md §6; DESIGN §5): `priority::<name>` for P0–P4, `type::<type>` (or a
// bare `bug` or `feature` read back), `status::<status>` for every status but open and closed,
// which the issue's state shows. The bead keeps the other labels as they are, except Gas Town's
// own `gt:` triggers, which belong to GitHub and never to the work.
import { BUILTIN_STATUSES } from "../ledger/bead-schema.js";

export const PRIORITY_NAMES = ["critical", "high", "medium", "low", "none"] as const;
const DEFAULT_PRIORITY = 2;
/** Bare labels `bd github sync` reads as a type. */
const BARE_TYPES: Readonly<Record<string, string>> = { bug: "bug", feature: "feature", enhancement: "feature" };
const SCOPED = /^(priority|status|type)::/;
/** The statuses the issue's state shows, so no label does. */
const STATE_STATUSES: ReadonlySet<string> = new Set(["open", "closed"]);
/** Statuses a `status::` label may set on the bead: the built-in ones the state does not show. */
const LABEL_STATUSES: ReadonlySet<string> = new Set(BUILTIN_STATUSES.filter((status) => !STATE_STATUSES.has(status)));
const BUILT_IN: ReadonlySet<string> = new Set(BUILTIN_STATUSES);
/** `bd github sync` also reads the hyphenated spelling. */
const STATUS_SPELLINGS: Readonly<Record<string, string>> = { "in-progress": "in_progress" };

/** `status::`, `priority::` and `type::` labels: the bead holds them as fields, not as labels. */
export function isScopedLabel(label: string): boolean {
  return SCOPED.test(label);
}

export function priorityFromLabels(labels: readonly string[]): number {
  for (const label of labels) {
    if (!label.startsWith("priority::")) continue;
    const named = (PRIORITY_NAMES as readonly string[]).indexOf(label.slice("priority::".length));
    if (named >= 0) return named;
  }
  return DEFAULT_PRIORITY;
}

export function typeFromLabels(labels: readonly string[]): string {
  for (const label of labels) if (label.startsWith("type::") && label.length > "type::".length) return label.slice("type::".length);
  for (const label of labels) if (BARE_TYPES[label]) return BARE_TYPES[label];
  return "task";
}

/**
 * The bead's status an issue shows: closed by its state, else by a `status::` label naming a
 * built-in status or one of the ledger's `customStatuses`, else open.
 */
export function statusFromIssue(state: "open" | "closed", labels: readonly string[], customStatuses: readonly string[] = []): string {
  if (state === "closed") return "closed";
  for (const label of labels) {
    const status = labelStatus(label);
    if (status !== undefined && (LABEL_STATUSES.has(status) || customStatuses.includes(status))) return status;
  }
  return "open";
}

/** The status a `status::` label names, in the ledger's spelling; undefined for any other label. */
function labelStatus(label: string): string | undefined {
  if (!label.startsWith("status::")) return undefined;
  const named = label.slice("status::".length);
  return STATUS_SPELLINGS[named] ?? named;
}

/**
 * Whether a `status::` label among `labels` names a status beyond the built-in ones: only the
 * ledger's config (its custom statuses) can say whether the bead may take it, so only then is
 * the config worth a request.
 */
export function namesCustomStatus(labels: readonly string[]): boolean {
  return labels.some((label) => {
    const status = labelStatus(label);
    return status !== undefined && !BUILT_IN.has(status);
  });
}

/** The labels the bead keeps: not the scoped ones it holds as fields, not Gas Town's triggers. */
export function workLabels(labels: readonly string[]): string[] {
  return [...new Set(labels.filter((l) => !isScopedLabel(l) && !l.startsWith("gt:")))].sort();
}

// A missing priority is P0, as `bd import` reads it and `bd github sync` then labels it; the
// ledger always writes one (DESIGN §5), so only a hand-written line lacks it.
export function priorityLabel(priority: number | undefined): string {
  return `priority::${PRIORITY_NAMES[priority ?? 0] ?? PRIORITY_NAMES[DEFAULT_PRIORITY]}`;
}

export function typeLabel(type: string): string {
  return `type::${type}`;
}

/** `status::<status>`; undefined for open and closed, which the issue's state shows. */
export function statusLabel(status: string): string | undefined {
  return STATE_STATUSES.has(status) ? undefined : `status::${status}`;
}
