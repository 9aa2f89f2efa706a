// What people read of a polecat's exit (DESIGN §7, "After a polecat exits"): COMPLETED's pull
// request, BLOCKED's and REFACTOR's comment on the issue, ESCALATE's issue that mentions whoever
// slung the work, and the status comment's headline. What an agent wrote (its reason, step
// notes, the titles of the beads it filed) is fenced with its mentions neutralised, so it pings
// no one and reads as no command; each text the publisher writes once carries the exit's marker,
// so a second look finds it instead of writing it again. Each says so when the repository has
// weakened the polecat sandbox (sandbox-notice.ts), since the work was made that way.
import type { Bead } from "../ledger/bead-schema.js";
import type { Ledger } from "../ledger/ledger.js";
import { gastownString } from "../molecules/gastown-metadata.js";
import { isMoleculeRoot, readMolecule } from "../molecules/molecule.js";
import { agentText, withoutMentions } from "./fenced-text.js";
import type { ExitToPublish } from "./publish-exit.js";
import { sandboxParagraph, type SandboxSettings } from "./sandbox-notice.js";
import { ESCALATED_LABEL } from "./state-labels.js";

/** Hidden in what the publisher writes for an exit, so a second look finds it instead of writing it again. */
export function exitMarker(exit: Pick<ExitToPublish, "bead" | "attempt">): string {
  return `<!-- gastown:exit ${exit.bead.id}@${exit.attempt} -->`;
}

export interface PullRequestText {
  readonly title: string;
  readonly body: string;
}

/** COMPLETED's pull request: the bead's title; the summary, the steps, `Closes #N` and the run. */
export function pullRequestText(ledger: Ledger, exit: ExitToPublish, runUrl: string, sandbox: SandboxSettings): PullRequestText {
  const lines = [
    `Polecat **${exit.polecat}** finished \`${exit.bead.id}\` (attempt ${exit.attempt}).`,
    ...sandboxParagraph(sandbox),
    "",
    "**Summary**",
    "",
    agentText(exit.reason),
    ...stepLines(ledger, exit.bead),
    "",
    `Closes #${exit.issue}`,
    "",
    `Run: ${runUrl}`,
    exitMarker(exit),
  ];
  return { title: withoutMentions(oneLine(exit.bead.title)), body: lines.join("\n") + "\n" };
}

/** The molecule's steps, ticked when done, each with the notes its agent left, fenced. */
function stepLines(ledger: Ledger, bead: Bead): string[] {
  const root = gastownString(bead, "molecule");
  if (root === undefined || !isMoleculeRoot(ledger.get(root))) return [];
  const lines = ["", "**Steps**", ""];
  for (const step of readMolecule(ledger, root).steps) {
    lines.push(`- [${step.closed ? "x" : " "}] ${oneLine(step.bead.title)}`);
    const notes = gastownString(step.bead, "notes");
    if (notes !== undefined && notes.trim() !== "") lines.push("", indent(agentText(notes)), "");
  }
  return lines;
}

/**
 * BLOCKED's and REFACTOR's comment on the issue, starting with the exit's marker; undefined for
 * the others, which say it elsewhere (the pull request, the escalation issue).
 */
export function exitComment(ledger: Ledger, exit: ExitToPublish, sandbox: SandboxSettings): string | undefined {
  const head = `Polecat **${exit.polecat}** ended attempt ${exit.attempt} of \`${exit.bead.id}\``;
  if (exit.exit === "BLOCKED") {
    const blocker = exit.blocker === undefined ? undefined : ledger.get(exit.blocker);
    const what = exit.blocker === undefined ? [] : [
      "", `It is blocked by \`${exit.blocker}\`${blocker ? ":" : "."}`, ...(blocker ? ["", agentText(blocker.title)] : []),
    ];
    return [
      exitMarker(exit),
      `${head} as **BLOCKED**: the work waits until what blocks it is done, then a person slings it again.`,
      ...sandboxParagraph(sandbox),
      "", agentText(exit.reason), ...what,
    ].join("\n") + "\n";
  }
  if (exit.exit === "REFACTOR") {
    const children = filedChildren(ledger, exit);
    const listed = children.length === 0 ? ["", "It filed no beads under it."] : [
      "", `It split the work into ${children.length === 1 ? "this bead" : `these ${children.length} beads`}:`, "",
      ...children.map((child) => `- \`${child.id}\`\n\n${indent(agentText(child.title))}\n`),
    ];
    return [
      exitMarker(exit),
      `${head} as **REFACTOR**: the work is deferred, split into smaller beads.`,
      ...sandboxParagraph(sandbox),
      "", agentText(exit.reason), ...listed,
    ].join("\n") + "\n";
  }
  return undefined;
}

/** The beads the polecat filed under the work: its children, the molecule aside. */
export function filedChildren(ledger: Ledger, exit: ExitToPublish): Bead[] {
  const molecule = gastownString(exit.bead, "molecule");
  return ledger.beads().filter((bead) =>
    bead.id !== molecule &&
    bead.created_by === `polecat/${exit.polecat}` &&
    (bead.dependencies ?? []).some((d) => d.type === "parent-child" && d.depends_on_id === exit.bead.id));
}

export interface EscalationIssue {
  readonly title: string;
  readonly body: string;
  readonly labels: readonly string[];
}

/** ESCALATE's issue, mentioning whoever slung the work, as `/escalate` does. */
export function escalationIssue(exit: ExitToPublish, sandbox: SandboxSettings): EscalationIssue {
  const slungBy = gastownString(exit.bead, "slung_by");
  const who = slungBy === undefined ? "" : `@${slungBy}: `;
  const body = [
    `${who}polecat **${exit.polecat}** escalated #${exit.issue} (bead \`${exit.bead.id}\`, attempt ${exit.attempt}): it needs a person.`,
    ...sandboxParagraph(sandbox),
    "",
    agentText(exit.reason),
    "",
    `The work is let go and its molecule stays open: once a person has acted, slinging #${exit.issue} again resumes it.`,
    exitMarker(exit),
  ].join("\n") + "\n";
  return { title: `Escalation: #${exit.issue} needs a person`, body, labels: [ESCALATED_LABEL] };
}

/**
 * COMPLETED work GitHub would not take (the PR branch moved by someone else, so it cannot be
 * fast-forwarded; a pull request refused): the issue says why and asks for a person, who can
 * bring the branch in line and sling again. `why` is the publisher's, with GitHub's words.
 */
export function unpublishedComment(exit: ExitToPublish, why: string, sandbox: SandboxSettings): string {
  return [
    exitMarker(exit),
    `Polecat **${exit.polecat}** ended attempt ${exit.attempt} of \`${exit.bead.id}\` as **COMPLETED**, but its work cannot be published: ${withoutMentions(why)}.`,
    ...sandboxParagraph(sandbox),
    "",
    `The work stays on \`${exit.workRef}\` at \`${(exit.workTip ?? "").slice(0, 12)}\`. Once a person has put \`${exit.branch}\` in order (or deleted it), slinging #${exit.issue} again publishes the next attempt.`,
  ].join("\n") + "\n";
}

/** The status comment's headline after an exit. */
export function exitHeadline(exit: ExitToPublish, published: { pr?: number; escalation?: number; unpublished?: string }): string {
  const who = `Polecat **${exit.polecat}** ended attempt ${exit.attempt} as ${exit.exit}`;
  switch (exit.exit) {
    case "COMPLETED":
      if (published.unpublished !== undefined) return `${who}, but its work cannot be published: it needs a person.`;
      return `${who}: pull request #${published.pr ?? "?"} is open and queued.`;
    case "BLOCKED":
      return `${who}: the work is blocked${exit.blocker === undefined ? "" : ` by \`${exit.blocker}\``}. Sling it again once that is done.`;
    case "REFACTOR":
      return `${who}: the work is deferred, split into smaller beads.`;
    case "ESCALATE":
      return `${who}: escalated as #${published.escalation ?? "?"}. Sling it again once a person has acted.`;
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** Markdown indented under a list item. */
function indent(text: string): string {
  return text.split("\n").map((line) => (line === "" ? line : `  ${line}`)).join("\n");
}
