// Formulas for a repository: its own `.beads/formulas/` on the default branch (or `ref`) first,
// then the ones shipped with gastown (DESIGN §2). A FormulaLibrary is synchronous, so the
// repository's files a cook will ask for are fetched beforehand: the named formulas and,
// transitively, those they extend or expand. Nothing else is read.
import { diskFormulaLibrary, shippedFormulaDir, type DiskFormulaLibrary } from "../molecules/formula-files.js";
import { FormulaError } from "../molecules/formula-problems.js";
import { FORMULA_FILE_SUFFIX, formulaFileName, parentsOf, type Formula } from "../molecules/formula-schema.js";
import { parseFormula, type LoadedFormula } from "../molecules/read-formula.js";
import type { FormulaLibrary } from "../molecules/resolve-formula.js";
import { unlessAbsent, type GitHubClient } from "./github-client.js";
import type { RepoRef } from "./issue-comments.js";

const REPOSITORY_DIR = ".beads/formulas";
const REPOSITORY_LABEL = `${REPOSITORY_DIR}/`;
const SHIPPED_LABEL = "formulas/";

// The shipped files do not change while the App runs; one library keeps each parsed once.
let shippedLibrary: DiskFormulaLibrary | undefined;
/** The formulas shipped with gastown alone: the patrols', which a repository does not override. */
export const shippedFormulas = (): DiskFormulaLibrary =>
  (shippedLibrary ??= diskFormulaLibrary([{ path: shippedFormulaDir(), label: SHIPPED_LABEL }]));

/** A repository file fetched: the formula, or the error parsing it gave (thrown when it is found). */
type Fetched = { readonly formula: LoadedFormula } | { readonly error: unknown };

/**
 * The library cook needs for `names` in this repository. One request when the repository has
 * no `.beads/formulas`; otherwise one more per repository file `names` lead to.
 */
export async function repositoryFormulaLibrary(
  github: GitHubClient, repo: RepoRef & { ref?: string }, names: readonly string[],
): Promise<FormulaLibrary> {
  const own = await listRepositoryFormulas(github, repo);
  const fetched = new Map<string, Fetched>();
  const visited = new Set<string>();

  // Follows a formula to the ones it names, fetching the repository's files among them in
  // parallel. A shipped formula is followed too: it may extend one the repository overrides.
  const visit = async (name: string): Promise<void> => {
    if (visited.has(name)) return;
    visited.add(name);
    let formula: LoadedFormula | undefined;
    if (own.has(formulaFileName(name))) {
      const file = `${REPOSITORY_LABEL}${formulaFileName(name)}`;
      const text = await fileText(github, repo, file);
      try {
        formula = text === undefined ? tooLarge(file) : parseFormula(text, file);
        fetched.set(name, { formula });
      } catch (error) {
        fetched.set(name, { error });
        return;
      }
    } else {
      try {
        formula = shippedFormulas().find(name);
      } catch {
        return; // A broken shipped file throws again when cook asks for it.
      }
    }
    if (formula !== undefined) await Promise.all(namedBy(formula.formula).map(visit));
  };
  if (own.size > 0) await Promise.all(names.map(visit));

  return {
    searched: `${REPOSITORY_LABEL} and ${SHIPPED_LABEL}`,
    find(name) {
      const found = fetched.get(name);
      if (found !== undefined) {
        if ("error" in found) throw found.error;
        return found.formula;
      }
      if (own.has(formulaFileName(name))) {
        // Only a caller that did not name the formula it cooks gets here.
        throw new Error(`${REPOSITORY_LABEL}${formulaFileName(name)} was not fetched: name "${name}" to repositoryFormulaLibrary`);
      }
      return shippedFormulas().find(name);
    },
  };
}

/** The formula files in the repository's `.beads/formulas`; none when there is no such directory. */
async function listRepositoryFormulas(github: GitHubClient, repo: RepoRef & { ref?: string }): Promise<Set<string>> {
  const answer = await unlessAbsent(() => github.request("GET /repos/{owner}/{repo}/contents/{path}", {
    owner: repo.owner, repo: repo.repo, path: REPOSITORY_DIR, ...(repo.ref !== undefined ? { ref: repo.ref } : {}),
  }), undefined);
  // No directory, or a file where the directory should be: no formulas.
  if (!Array.isArray(answer?.data)) return new Set();
  const entries = answer.data as { name: string; type: string }[];
  return new Set(entries.filter((e) => e.type === "file" && e.name.endsWith(FORMULA_FILE_SUFFIX)).map((e) => e.name));
}

/** The file's text; undefined when it is too large for the contents API to include. */
async function fileText(github: GitHubClient, repo: RepoRef & { ref?: string }, path: string): Promise<string | undefined> {
  const { data } = await github.request("GET /repos/{owner}/{repo}/contents/{path}", {
    owner: repo.owner, repo: repo.repo, path, ...(repo.ref !== undefined ? { ref: repo.ref } : {}),
  });
  const file = data as { content?: string; encoding?: string };
  // Files over 1 MB come with encoding "none" and no content.
  if (file.encoding !== "base64" || file.content === undefined) return undefined;
  return Buffer.from(file.content, "base64").toString("utf8");
}

function tooLarge(file: string): never {
  throw new FormulaError([{ file, line: 0, column: 0, field: "", message: "is over 1 MB, more than GitHub's contents API returns; a formula should be far smaller" }]);
}

/** The formulas a formula names: those it extends and those it expands steps with. */
function namedBy(formula: Formula): string[] {
  return [...parentsOf(formula), ...(formula.compose?.expand ?? []).map((e) => e.with)];
}
