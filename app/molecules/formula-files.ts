// Formulas on disk: the repository's `.beads/formulas/` first, then the ones shipped with
// gastown. The only module here that reads files; cook and the rest take the library.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { FORMULA_FILE_SUFFIX, formulaFileName } from "./formula-schema.js";
import { parseFormula, type LoadedFormula } from "./read-formula.js";
import type { FormulaLibrary } from "./resolve-formula.js";

export interface FormulaDir {
  /** Absolute. */
  readonly path: string;
  /** As shown to the user: `.beads/formulas/`. */
  readonly label: string;
}

export interface FormulaListing {
  readonly name: string;
  /** The file as shown to the user. */
  readonly file: string;
  /** The directory that wins for this name. */
  readonly dir: FormulaDir;
}

export interface DiskFormulaLibrary extends FormulaLibrary {
  /** Every formula by name, the first directory's winning over later ones. */
  list(): FormulaListing[];
}

/** The directory of formulas shipped with the package: `formulas/` beside its package.json. */
export function shippedFormulaDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("gastown's package directory was not found above " + fileURLToPath(import.meta.url));
    dir = up;
  }
  return join(dir, "formulas");
}

/** `<cwd>/.beads/formulas/`, then the shipped formulas. */
export function defaultFormulaDirs(cwd: string): FormulaDir[] {
  const shipped = shippedFormulaDir();
  return [
    { path: join(cwd, ".beads", "formulas"), label: ".beads/formulas/" },
    { path: shipped, label: `${relative(cwd, shipped) || "."}/` },
  ];
}

export function diskFormulaLibrary(dirs: readonly FormulaDir[]): DiskFormulaLibrary {
  const loaded = new Map<string, LoadedFormula>();
  const listing = (name: string): FormulaListing | undefined => {
    for (const dir of dirs) {
      const base = formulaFileName(name);
      if (existsSync(join(dir.path, base))) return { name, file: `${dir.label}${base}`, dir };
    }
    return undefined;
  };
  return {
    searched: dirs.map((d) => d.label).join(" and "),
    find(name) {
      const cached = loaded.get(name);
      if (cached) return cached;
      const found = listing(name);
      if (!found) return undefined;
      const text = readFileSync(join(found.dir.path, formulaFileName(name)), "utf8");
      const formula = parseFormula(text, found.file);
      loaded.set(name, formula);
      return formula;
    },
    list() {
      const names = new Set<string>();
      for (const dir of dirs) {
        if (!existsSync(dir.path)) continue;
        for (const entry of readdirSync(dir.path)) {
          if (entry.endsWith(FORMULA_FILE_SUFFIX)) names.add(entry.slice(0, -FORMULA_FILE_SUFFIX.length));
        }
      }
      return [...names].sort().map((name) => listing(name) as FormulaListing);
    },
  };
}
