// The rules an agent's commits must pass before the action pushes them (DESIGN §4.6): pure, from
// facts take-work.ts gathered with git. Each broken rule is one line a person and the agent can
// read; missing bookkeeping trailers are only noted.
//
// Decisions where the issue left a choice:
// - Paths are checked per commit, not on the branch's net change: a commit that edits a
//   protected file and a later one that puts it back still carry the edit in the pushed history
//   (and GitHub refuses a workflow change in any pushed commit). A merge is checked on what it
//   changes against every parent, so merging the base is no violation, a change made in the merge
//   is. Both paths of a move count.
// - A file is at most DEFAULT_MAX_FILE_BYTES: source code is rarely bigger, GitHub warns at
//   50 MB and refuses 100 MB, and a change that needs bigger files needs a person.
// - A binary file (a NUL byte in its first 8,000 bytes, git's own test) is at most
//   DEFAULT_MAX_BINARY_BYTES: icons and fonts fit, while a build's output, an archive or data
//   smuggled out as a blob do not; a change that needs one needs a person.
// - Submodules (gitlinks) are refused: they pull in code from elsewhere that nothing here checks.
// - Symbolic links are taken when they point inside the repository; one that is absolute, climbs
//   out of the repository or points into `.git` is refused. The action never checks out what it
//   takes, so a link cannot hurt it; the refusal protects whoever checks the branch out later.
// - A file whose content looks like a secret (secret-scan.ts: the published formats of common
//   credentials, and the run's own token and key) is refused: the push would publish it, and a
//   prompt-injected agent holds the model's key. The refusal names the kind and line, never the secret.
// - Missing `Gastown-Bead`/`Gastown-Step` trailers are noted, not refused: nothing trusts them
//   (only the action's own marker closes a step), so a re-run to add them would cost a turn
//   for bookkeeping alone. A `Gastown-Closed` line anywhere in an agent's message is refused,
//   and so is a commit under the action's own identity, so only the action's commits can look
//   like markers.
import { posix } from "node:path";
import type { GitPerson } from "./action-identity.js";
import { subjectOf, trailersOf, trailerValues, type CommitObject } from "./commit-object.js";
import { protectingPattern } from "./path-glob.js";
import type { SecretFinding } from "./secret-scan.js";
import { DELETED_MODE, GITLINK_MODE, SYMLINK_MODE, type TreeChange } from "./tree-changes.js";
import { isWorkflowPath } from "./workflow-paths.js";

/** `polecat.protected_paths` as DESIGN §7 gives its default. */
export const DEFAULT_PROTECTED_PATHS: readonly string[] = [".github/**", ".beads/formulas/**", "**/CODEOWNERS"];

/**
 * Protected whatever the configuration says: every place GitHub reads CODEOWNERS from (so an
 * agent cannot make itself an owner), and workflow files (GitHub refuses them from our tokens).
 */
export const ALWAYS_PROTECTED_PATHS: readonly string[] = ["CODEOWNERS", ".github/CODEOWNERS", "docs/CODEOWNERS", ".github/workflows/**"];

export const DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024;

export const DEFAULT_MAX_BINARY_BYTES = 1024 * 1024;

/** How much of a file git reads to tell binary from text, and so do we. */
export const BINARY_SNIFF_BYTES = 8000;

/** Whether a file's content is binary as git judges it: a NUL byte near its start. */
export function isBinaryContent(content: Buffer): boolean {
  return content.subarray(0, BINARY_SNIFF_BYTES).includes(0);
}

/** The longest symbolic link target read; a real one is a short relative path. */
export const MAX_LINK_TARGET_BYTES = 4096;

export interface WorkRules {
  readonly bead: string;
  readonly protectedPaths: readonly string[];
  readonly maxDiffLines: number;
  readonly maxFileBytes: number;
  /** The most a binary file may be (isBinaryContent). */
  readonly maxBinaryBytes: number;
  /** The action's identity, which no agent commit may use. */
  readonly identity: GitPerson;
  /** The run's own secrets (its token, the model's key), which no file may carry. */
  readonly canaries?: readonly string[];
}

export interface AgentCommit {
  readonly commit: CommitObject;
  readonly changes: readonly TreeChange[];
}

export interface ObjectFacts {
  readonly type: string;
  readonly size: number;
  /** A symbolic link's target, for link blobs no longer than MAX_LINK_TARGET_BYTES. */
  readonly target?: string;
  /** What looks like a secret in a file's content (secret-scan.ts). */
  readonly secrets?: readonly SecretFinding[];
  /** Whether a file's content is binary (isBinaryContent); files over the size limit are not read. */
  readonly binary?: boolean;
}

export interface WorkFacts {
  readonly pushedTip: string;
  readonly tip: string;
  /** Whether `tip` descends from `pushedTip`. */
  readonly fastForward: boolean;
  /** The new commits, oldest first. */
  readonly commits: readonly AgentCommit[];
  /** Type and size of every object the new commits put in a tree. */
  readonly objects: ReadonlyMap<string, ObjectFacts>;
  readonly mergeBase: string;
  /** Lines added plus removed between the merge-base with the base and `tip`. */
  readonly changedLines: number;
  /** Every path that differs between `pushedTip` and `tip`: what GitHub sees in the push. */
  readonly pushPaths: readonly string[];
}

export interface WorkVerdict {
  readonly problems: string[];
  readonly notes: string[];
}

export function checkWork(facts: WorkFacts, rules: WorkRules): WorkVerdict {
  const problems: string[] = [];
  const notes: string[] = [];
  if (!facts.fastForward) problems.push(fastForwardProblem(facts.tip, facts.pushedTip));
  const patterns = [...rules.protectedPaths, ...ALWAYS_PROTECTED_PATHS];
  const reportedPaths = new Set<string>();
  for (const { commit, changes } of facts.commits) {
    const label = commitLabel(commit);
    problems.push(...identityProblems(commit, label, rules.identity));
    problems.push(...trailerProblems(commit, label));
    notes.push(...trailerNotes(commit, label, rules.bead));
    for (const change of changes) {
      const pattern = protectingPattern(patterns, change.path);
      if (pattern !== undefined) {
        problems.push(`${label} changes ${change.path}, a protected path (${pattern})`);
        reportedPaths.add(change.path);
      }
      problems.push(...entryProblems(change, facts.objects.get(change.object), label, rules));
    }
  }
  if (facts.changedLines > rules.maxDiffLines) {
    problems.push(`the work changes ${facts.changedLines} lines against the base (from ${short(facts.mergeBase)}), over the limit of ${rules.maxDiffLines} (max_diff_lines)`);
  }
  for (const path of facts.pushPaths) {
    if (isWorkflowPath(path) && !reportedPaths.has(path)) {
      problems.push(`the push would change ${path}, a workflow file (merged in from the base?), and GitHub refuses workflow changes from the polecat's token`);
    }
  }
  return { problems, notes };
}

export function fastForwardProblem(tip: string, pushedTip: string): string {
  return `the branch does not continue the pushed work: ${short(tip)} does not descend from ${short(pushedTip)}, and the work ref is only ever fast-forwarded`;
}

function identityProblems(commit: CommitObject, label: string, identity: GitPerson): string[] {
  const isAction = (person: GitPerson) => person.email.toLowerCase() === identity.email.toLowerCase() || person.name === identity.name;
  return isAction(commit.author) || isAction(commit.committer) ? [`${label} is made under Gas Town's own identity (${identity.name}), which only the action uses`] : [];
}

const CLOSED_LINE = /^[ \t]*gastown-closed[ \t]*:/im;

function trailerProblems(commit: CommitObject, label: string): string[] {
  return CLOSED_LINE.test(commit.message) ? [`${label} carries a Gastown-Closed trailer, which only Gas Town writes: leave it out (\`gt step done\` closes a step)`] : [];
}

function trailerNotes(commit: CommitObject, label: string, bead: string): string[] {
  if (commit.parents.length > 1) return [];
  const trailers = trailersOf(commit.message);
  const notes: string[] = [];
  const beads = trailerValues(trailers, "Gastown-Bead");
  if (beads.length === 0) notes.push(`${label} has no Gastown-Bead trailer`);
  else if (beads.some((value) => value !== bead)) notes.push(`${label} names bead ${beads.join(", ")} in its Gastown-Bead trailer, not ${bead}`);
  if (trailerValues(trailers, "Gastown-Step").length === 0) notes.push(`${label} has no Gastown-Step trailer`);
  return notes;
}

function entryProblems(change: TreeChange, object: ObjectFacts | undefined, label: string, rules: WorkRules): string[] {
  const { maxFileBytes, maxBinaryBytes } = rules;
  if (change.mode === DELETED_MODE) return [];
  if (change.mode === GITLINK_MODE) return [`${label} adds ${change.path} as a submodule, and submodules are not accepted`];
  if (object === undefined) return [`${label} puts ${change.path} in its tree, but its object ${short(change.object)} was not found`];
  if (object.size > maxFileBytes) return [`${label} makes ${change.path} ${formatBytes(object.size)}, over the limit of ${formatBytes(maxFileBytes)} per file`];
  if (object.binary === true && object.size > maxBinaryBytes) {
    return [`${label} makes ${change.path} a binary file of ${formatBytes(object.size)}, over the limit of ${formatBytes(maxBinaryBytes)} for binary files: build outputs and archives are not pushed`];
  }
  if (change.mode === SYMLINK_MODE) {
    const reason = linkProblem(change.path, object.target);
    if (reason !== undefined) return [`${label} adds ${change.path}, a symbolic link that ${reason}`];
  }
  if (object.secrets !== undefined && object.secrets.length > 0) {
    const found = object.secrets.map((finding) => `${finding.kind} (line ${finding.line})`).join(", ");
    return [`${label} puts what looks like a secret in ${change.path}: ${found}. No secret is pushed: take it out of every commit`];
  }
  return [];
}

/** Why a link's target is refused, or undefined when it stays inside the repository. */
export function linkProblem(path: string, target: string | undefined): string | undefined {
  if (target === undefined || target === "" || target.includes("\0")) return "has no readable target";
  if (target.startsWith("/")) return `points to the absolute path ${target}`;
  const resolved = posix.normalize(posix.join(posix.dirname(path), target));
  if (resolved === ".." || resolved.startsWith("../")) return `points outside the repository (${target})`;
  if (resolved.split("/").some((part) => part.toLowerCase() === ".git")) return `points into .git (${target})`;
  return undefined;
}

function commitLabel(commit: CommitObject): string {
  return `commit ${short(commit.sha)} (${JSON.stringify(subjectOf(commit.message))})`;
}

export function short(sha: string): string {
  return sha.slice(0, 7);
}

function formatBytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return mib >= 1 ? `${Number.isInteger(mib) ? mib : mib.toFixed(1)} MiB` : `${bytes} bytes`;
}

/** The refusal as the agent's next prompt and the run's summary carry it. */
export function refusalText(branch: string, pushedTip: string, problems: readonly string[]): string {
  return [
    `Gas Town did not take the work on ${branch}; nothing was pushed:`,
    ...problems.map((problem) => `- ${problem}`),
    `Make the branch continue ${pushedTip} without these (for example \`git reset --soft ${pushedTip}\`, then commit again without them), and finish the step again.`,
  ].join("\n");
}
