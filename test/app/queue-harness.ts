// Pull requests for the merge queue's tests, made by a person through the emulator's API: a
// branch with one commit, and the pull request from it; later pushes on the branch.
import { REPO, type Town } from "./app-harness.js";

/** Commits `path` on `branch` (made from main when new) as `login`; the commit's sha. */
export async function commitOn(town: Town, branch: string, path: string, content: string, login = "ann"): Promise<string> {
  const fresh = (await town.github.git(REPO).resolveRef(`refs/heads/${branch}`)) === undefined;
  const parent = ((await town.as(login, "GET", `/repos/${REPO}/git/ref/heads/${fresh ? "main" : branch}`)) as { object: { sha: string } }).object.sha;
  const tree = (await town.as(login, "POST", `/repos/${REPO}/git/trees`, { base_tree: parent, tree: [{ path, mode: "100644", type: "blob", content }] })) as { sha: string };
  const commit = (await town.as(login, "POST", `/repos/${REPO}/git/commits`, { message: `Change ${path}`, tree: tree.sha, parents: [parent] })) as { sha: string };
  if (fresh) await town.as(login, "POST", `/repos/${REPO}/git/refs`, { ref: `refs/heads/${branch}`, sha: commit.sha });
  else await town.as(login, "PATCH", `/repos/${REPO}/git/refs/heads/${branch}`, { sha: commit.sha });
  return commit.sha;
}

/** ann's pull request from `branch` into main, changing `path`, its deliveries handed to the App: its number. */
export async function pullRequest(town: Town, branch: string, path: string): Promise<number> {
  await commitOn(town, branch, path, "on: push\n");
  const pull = (await town.as("ann", "POST", `/repos/${REPO}/pulls`, { title: `Change ${path}`, head: branch, base: "main", body: "" })) as { number: number };
  await town.deliver();
  return pull.number;
}
