// Where a review comment sits in a pull request's diff: the hunk up to its line (GitHub's
// `diff_hunk`) and the line's `position`, counted down from the file's first "@@" header.
// https://docs.github.com/en/rest/pulls/comments#create-a-review-comment-for-a-pull-request
import type { BareRepo } from "./bare-repo.js";

export type DiffPlace = { diffHunk: string; position: number };

/**
 * Finds `line` on `side` (RIGHT: the new file, LEFT: the old one) in one file's unified diff.
 * Undefined when the line is in no hunk, as GitHub refuses a comment there.
 */
export function placeInDiff(diff: string, line: number, side: "LEFT" | "RIGHT"): DiffPlace | undefined {
  const lines = diff.split("\n");
  const first = lines.findIndex((l) => l.startsWith("@@"));
  if (first < 0) return undefined;
  let hunkStart = first;
  let oldLine = 0;
  let newLine = 0;
  for (let i = first; i < lines.length; i++) {
    const text = lines[i] ?? "";
    const header = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(text);
    if (header) {
      hunkStart = i;
      oldLine = Number(header[1]);
      newLine = Number(header[2]);
      continue;
    }
    const kind = text[0];
    const onLeft = kind === " " || kind === "-";
    const onRight = kind === " " || kind === "+";
    if ((side === "RIGHT" && onRight && newLine === line) || (side === "LEFT" && onLeft && oldLine === line)) {
      return { diffHunk: lines.slice(hunkStart, i + 1).join("\n"), position: i - first };
    }
    if (onLeft) oldLine += 1;
    if (onRight) newLine += 1;
  }
  return undefined;
}

/** The place of `line` in `path`'s diff between the merge base of `baseSha` and `commit`. */
export async function diffPlace(git: BareRepo, baseSha: string, commit: string, path: string, line: number, side: "LEFT" | "RIGHT"): Promise<DiffPlace | undefined> {
  const mergeBase = (await git.mergeBase(baseSha, commit)) ?? baseSha;
  return placeInDiff(await git.git(["diff", mergeBase, commit, "--", path]), line, side);
}
