// GitHub refuses a push that creates or changes a file under .github/workflows/ unless the
// credential may write workflows (an App's `workflows` permission, a token's `workflow` scope);
// GITHUB_TOKEN never may. The same rule holds for the Git Data API and the contents API.
// https://docs.github.com/en/apps/creating-github-apps/registering-a-github-app/choosing-permissions-for-a-github-app#choosing-permissions-for-git-access
// For git pushes the check runs in the bare repository's pre-receive hook (WORKFLOW_HOOK_CHECK in
// ./pre-receive.ts), told by the environment whether the pusher may; for the API (contents, Git
// Data refs, merging a pull request, the merges API) it is workflowMoveRefusal(). Both compare
// the same way: a ref that exists, its old tip with its new one (so a branch rebased onto, or
// merged with, a base whose workflows changed carries that change); a new ref, the commits it
// brings that no ref has yet, each against its first parent (so a new branch at a commit already
// on another one brings nothing).
import type { BareRepo } from "./bare-repo.js";

/** Whether a credential may change workflow files, and how GitHub's refusal names it. */
export type WorkflowCredential = { mayWrite: boolean; kind: "app" | "token" };

export const WORKFLOWS_DIR = ".github/workflows/";

export function isWorkflowFile(path: string): boolean {
  return path.startsWith(WORKFLOWS_DIR);
}

/** GitHub's refusal, as `git push` shows it after `remote:` and the API puts in its message. */
export function workflowRefusal(path: string, credential: "app" | "token"): string {
  return credential === "app"
    ? `refusing to allow a GitHub App to create or update workflow \`${path}\` without \`workflows\` permission`
    : `refusing to allow a Personal Access Token to create or update workflow \`${path}\` without \`workflow\` scope`;
}

/** The workflow files a ref's move to `after` creates, changes or deletes (`before` undefined: a new ref). */
export async function workflowFilesChanged(git: BareRepo, before: string | undefined, after: string): Promise<string[]> {
  if (before !== undefined) {
    const changes = await git.changedFiles(before, after);
    return [...changes.added, ...changes.modified, ...changes.removed].filter(isWorkflowFile).sort();
  }
  const out = await git.git(["log", "--format=", "--name-only", "--diff-merges=first-parent", after, "--not", "--all"]);
  return [...new Set(out.split("\n").filter(isWorkflowFile))].sort();
}

/** GitHub's refusal of a ref's move by `credential`, or undefined when it may make it. */
export async function workflowMoveRefusal(git: BareRepo, credential: WorkflowCredential, before: string | undefined, after: string): Promise<string | undefined> {
  if (credential.mayWrite) return undefined;
  const [first] = await workflowFilesChanged(git, before, after);
  return first === undefined ? undefined : workflowRefusal(first, credential.kind);
}

/**
 * The pre-receive hook's part (./pre-receive.ts): for each `old new ref` line in
 * $updates, refuses each workflow file changed, unless EMULATOR_WORKFLOWS_ALLOWED=1.
 */
export const WORKFLOW_HOOK_CHECK = `
if [ "$EMULATOR_WORKFLOWS_ALLOWED" != "1" ]; then
  while read -r old new ref; do
    [ -z "$ref" ] && continue
    [ "$new" = "$zero" ] && continue
    if [ "$old" = "$zero" ]; then
      files=$(git log --format= --name-only --diff-merges=first-parent "$new" --not --all | grep '^\\.github/workflows/' | sort -u)
    else
      files=$(git diff --name-only "$old" "$new" -- .github/workflows/)
    fi
    if [ -n "$files" ]; then
      refused=1
      printf '%s\\n' "$files" | while IFS= read -r file; do
        if [ "$EMULATOR_CREDENTIAL" = "app" ]; then
          echo "refusing to allow a GitHub App to create or update workflow \\\`$file\\\` without \\\`workflows\\\` permission" >&2
        else
          echo "refusing to allow a Personal Access Token to create or update workflow \\\`$file\\\` without \\\`workflow\\\` scope" >&2
        fi
      done
    fi
  done <<UPDATES
$updates
UPDATES
fi
`;
