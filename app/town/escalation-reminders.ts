// Escalations nobody answers: the deacon mentions again whoever slung the work (DESIGN §7, the
// ESCALATE exit and `/escalate` both open an issue that mentions them) once an escalation has
// had no comment from a person for `deacon.escalation_reminder_hours`, and again after as many
// hours more while it still has none. Each reminder starts with a marker carrying the time the
// App gave it, so the next pass, by any copy of the App, knows when the last one went out
// without keeping anything of its own (invariant 1). Decided from the issue and its comments.

/** An open escalation issue the App opened, as listed. */
export interface ListedEscalation {
  readonly number: number;
  readonly body: string;
  /** When the App opened it: the escalation's time. */
  readonly createdAt: string;
}

export interface EscalationComment {
  readonly login: string;
  /** GitHub's account type: `User`, `Bot`, `Organization`. */
  readonly type: string;
  readonly body: string;
}

/** An escalation with its comments, oldest first. */
export interface EscalationReading extends ListedEscalation {
  readonly comments: readonly EscalationComment[];
}

/** An escalation past the age with no answer from a person. */
export interface Unanswered {
  readonly number: number;
  readonly since: string;
  /** Whoever the escalation mentioned (who slung the work), when it names someone. */
  readonly mention: string | undefined;
}

export interface Reminder {
  readonly number: number;
  readonly body: string;
}

export interface EscalationDecision {
  readonly unanswered: readonly Unanswered[];
  /** The reminders due now, one comment each. */
  readonly reminders: readonly Reminder[];
}

const HOUR_MS = 3_600_000;
const REMINDER_PREFIX = "<!-- gastown:escalation-reminder ";

/** Starts a reminder: the time the App gave it, so the next one waits as long again. */
export function reminderMarker(at: Date): string {
  return `${REMINDER_PREFIX}${at.toISOString()} -->`;
}

/**
 * The escalations old enough that a reminder may be due: only their comments are worth reading.
 * One opened less than `hours` ago cannot be overdue, whatever its comments say; nor can an
 * issue that is no escalation.
 */
export function pastReminderAge<T extends ListedEscalation>(listed: readonly T[], now: Date, hours: number): T[] {
  return listed.filter((escalation) => isEscalationIssue(escalation.body) && ageMs(escalation.createdAt, now) >= hours * HOUR_MS);
}

// The markers an escalation issue's body carries: `/escalate`'s and mail's (message-beads.ts),
// and an ESCALATE exit's (exit-texts.ts). The work issue is labelled `gt:escalated` too, and is
// no escalation to remind on, even one the App opened.
const ESCALATION_MARKERS = ["<!-- gastown:escalation ", "<!-- gastown:exit "] as const;

function isEscalationIssue(body: string): boolean {
  return ESCALATION_MARKERS.some((marker) => body.includes(marker));
}

/**
 * Which escalations still wait for a person, and the reminders due: one for each that has had
 * none since the escalation (or since the last reminder) for `hours`. Any comment by a person,
 * whatever it says, is an answer; the App's and other bots' are not. `botLogin` is the App's.
 */
export function decideEscalations(
  escalations: readonly EscalationReading[], options: { now: Date; hours: number; botLogin: string },
): EscalationDecision {
  const { now, hours, botLogin } = options;
  const unanswered: Unanswered[] = [];
  const reminders: Reminder[] = [];
  for (const escalation of pastReminderAge(escalations, now, hours).sort((a, b) => a.number - b.number)) {
    if (escalation.comments.some((comment) => comment.type === "User" && comment.login !== botLogin)) continue;
    const mention = mentionedIn(escalation.body);
    unanswered.push({ number: escalation.number, since: escalation.createdAt, mention });
    const last = lastReminder(escalation.comments, botLogin);
    if (last !== undefined && now.getTime() - last.getTime() < hours * HOUR_MS) continue;
    reminders.push({ number: escalation.number, body: reminderText(escalation, mention, now, hours) });
  }
  return { unanswered, reminders };
}

function reminderText(escalation: ListedEscalation, mention: string | undefined, now: Date, hours: number): string {
  const waited = Math.floor(ageMs(escalation.createdAt, now) / HOUR_MS);
  const who = mention === undefined ? "This escalation" : `@${mention}: this escalation`;
  return [
    reminderMarker(now),
    `${who} has waited ${waited} hours for an answer from a person. Answer here, or close this issue once the work is in hand; ` +
      `until then Gas Town reminds again every ${hours} hours (\`deacon.escalation_reminder_hours\` in \`.github/gastown.yml\`).`,
  ].join("\n");
}

/**
 * Whoever the escalation issue mentions first: its first line starts `@login:` (the person who
 * slung the work, escalation-issue texts in message-beads.ts and exit-texts.ts); undefined when
 * the work records nobody.
 */
export function mentionedIn(body: string): string | undefined {
  return /^@([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\[bot\])?):/.exec(body)?.[1];
}

/** When the App last reminded, from its own comments' markers. */
function lastReminder(comments: readonly EscalationComment[], botLogin: string): Date | undefined {
  let last: number | undefined;
  for (const comment of comments) {
    if (comment.login !== botLogin || !comment.body.startsWith(REMINDER_PREFIX)) continue;
    const at = Date.parse(comment.body.slice(REMINDER_PREFIX.length).split(" ")[0] ?? "");
    if (!Number.isNaN(at) && (last === undefined || at > last)) last = at;
  }
  return last === undefined ? undefined : new Date(last);
}

function ageMs(iso: string, now: Date): number {
  return now.getTime() - Date.parse(iso);
}
