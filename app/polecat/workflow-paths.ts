// Workflow files: what GitHub refuses to let a token without the `workflows` permission create,
// change or delete in a push (none of the polecat's tokens has it).
// https://docs.github.com/en/apps/creating-github-apps/registering-a-github-app/choosing-permissions-for-a-github-app#choosing-permissions-for-git-access

export const WORKFLOWS_DIR = ".github/workflows/";

export function isWorkflowPath(path: string): boolean {
  return path.startsWith(WORKFLOWS_DIR);
}

/** The workflow files among changed paths, sorted and each once. */
export function workflowPaths(paths: readonly string[]): string[] {
  return [...new Set(paths.filter(isWorkflowPath))].sort();
}
