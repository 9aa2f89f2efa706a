// The tip of the agent's branch, read from its clone's files as git would read them, without
// running git there: `.git/HEAD` must name the agent's branch (`polecat/<name>/<bead>`), and
// the branch's commit comes from its loose ref file, else from `packed-refs`. A HEAD on any other
// branch, a detached HEAD, or a link anywhere on the way is a refusal.
// https://git-scm.com/docs/gitrepository-layout
import { readInside } from "./agent-files.js";
import { WorkRefusal } from "./work-refusal.js";

const MAX_HEAD_BYTES = 4096;
// A packed-refs file of a clone that holds many tags is still far below this.
const MAX_PACKED_REFS_BYTES = 64 * 1024 * 1024;
const SHA = /^[0-9a-f]{40}$/;

export async function readAgentBranchTip(cloneDir: string, branch: string): Promise<string> {
  const ref = `refs/heads/${branch}`;
  const head = await readInside(cloneDir, ".git/HEAD", MAX_HEAD_BYTES);
  if (head === undefined) throw new WorkRefusal(".git/HEAD is missing");
  const headRef = parseHead(head.toString("utf8"));
  if (headRef === undefined) throw new WorkRefusal(`HEAD is detached, not on ${branch}; commit on ${branch}`);
  if (headRef !== ref) throw new WorkRefusal(`HEAD is on ${headRef.replace(/^refs\/heads\//, "")}, not on ${branch}; only ${branch} is taken`);

  const loose = await readInside(cloneDir, `.git/${ref}`, MAX_HEAD_BYTES);
  if (loose !== undefined) {
    const sha = loose.toString("utf8").trim();
    if (!SHA.test(sha)) throw new WorkRefusal(`.git/${ref} does not hold a commit id`);
    return sha;
  }
  const packed = await readInside(cloneDir, ".git/packed-refs", MAX_PACKED_REFS_BYTES);
  const sha = packed === undefined ? undefined : packedRef(packed.toString("utf8"), ref);
  if (sha === undefined) throw new WorkRefusal(`${branch} has no commits`);
  return sha;
}

/** The ref a symbolic HEAD names, or undefined when HEAD is detached. */
export function parseHead(text: string): string | undefined {
  const match = /^ref: (refs\/\S+)\s*$/.exec(text);
  return match ? (match[1] as string) : undefined;
}

/** The commit `ref` has in a packed-refs file (`<sha> <ref>` lines; `#` and `^` lines are not refs). */
export function packedRef(text: string, ref: string): string | undefined {
  for (const line of text.split("\n")) {
    const [sha, name] = line.replace(/\r$/, "").split(" ");
    if (name === ref && sha !== undefined && SHA.test(sha)) return sha;
  }
  return undefined;
}
