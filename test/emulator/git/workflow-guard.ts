// GitHub refuses a push that creates or changes a file under .github/workflows/ unless the
// credential may write workflows (an App's `workflows` permission, a token's `workflow` scope);
// GITHUB_TOKEN never may. The same rule holds for the Git Data API and the contents API.
// https://docs.github.com/en/apps/creating-github-apps/registering-a-github-app/choosing-permissions-for-a-github-app#choosing-permissions-for-git-access
// For git pushes the check runs as the bare repository's pre-receive hook (below), told by the
// environment whether the pusher may; for the API it is workflowFilesIn() and refusal().

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

/** The pre-receive hook: reads `old new ref` lines and refuses each workflow file changed. */
export const PRE_RECEIVE_HOOK = `#!/bin/sh
# Written by the GitHub emulator (test/emulator/git/workflow-guard.ts): refuses pushes that
# change .github/workflows/ unless EMULATOR_WORKFLOWS_ALLOWED=1.
[ "$EMULATOR_WORKFLOWS_ALLOWED" = "1" ] && exit 0
zero=0000000000000000000000000000000000000000
refused=0
while read -r old new ref; do
  [ "$new" = "$zero" ] && continue
  if [ "$old" = "$zero" ]; then
    files=$(git log --format= --name-only "$new" --not --all -- .github/workflows | sort -u)
  else
    files=$(git diff --name-only "$old" "$new" -- .github/workflows)
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
done
exit $refused
`;
