// What each commit changes, from `git diff-tree --stdin -r -z --no-renames --raw -c --root`:
// for a commit with one parent (or none) every path it adds, changes or deletes; for a merge
// (`-c`) only the paths that differ from every parent, so a clean merge of the base shows
// nothing and a change made in the merge itself shows. No renames: a moved file is a deletion
// and an addition, so both of its paths are checked.
// https://git-scm.com/docs/git-diff-tree#_raw_output_format

export interface TreeChange {
  readonly path: string;
  /** The mode after the commit: `100644`, `100755`, `120000` (a link), `160000` (a submodule), `000000` when deleted. */
  readonly mode: string;
  /** The object after the commit; all zeros when deleted. */
  readonly object: string;
  readonly status: string;
}

export const DELETED_MODE = "000000";
export const SYMLINK_MODE = "120000";
export const GITLINK_MODE = "160000";

/** The changes per commit, in the order the commits were given. */
export function parseDiffTreeStdin(fields: readonly string[]): Map<string, TreeChange[]> {
  const changes = new Map<string, TreeChange[]>();
  let current: TreeChange[] | undefined;
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as string;
    if (field.startsWith(":")) {
      const path = fields[++i];
      if (current === undefined || path === undefined) throw new Error(`git diff-tree printed a change without a commit or a path: ${field}`);
      current.push(parseMeta(field, path));
    } else {
      current = [];
      changes.set(field, current);
    }
  }
  return changes;
}

function parseMeta(meta: string, path: string): TreeChange {
  const parents = meta.length - meta.replace(/^:+/, "").length;
  const tokens = meta.slice(parents).split(" ");
  const mode = tokens[parents];
  const object = tokens[2 * parents + 1];
  const status = tokens[2 * parents + 2];
  if (mode === undefined || object === undefined || status === undefined) throw new Error(`git diff-tree printed an unreadable change: ${meta}`);
  return { path, mode, object, status };
}

/**
 * Lines added plus removed, from `git diff-tree -r -z --numstat -M`. A binary file (`-\t-`)
 * counts as one line: its size is bounded by the per-file limit instead.
 * https://git-scm.com/docs/git-diff-tree#_other_diff_formats
 */
export function countChangedLines(fields: readonly string[]): number {
  let total = 0;
  for (let i = 0; i < fields.length; i++) {
    const [added, removed, path] = (fields[i] as string).split("\t");
    if (added === undefined || removed === undefined || path === undefined) continue;
    // A rename prints an empty path here, then its old and new paths as fields of their own.
    if (path === "") i += 2;
    total += added === "-" ? 1 : Number(added) + Number(removed);
  }
  return total;
}
