// YAML read as a document, so that a problem found in the value can be traced back to the line
// and column it was written at: a formula's or a config's errors point at the very spot.
import { isMap, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from "yaml";

/** A path into the value: keys and list indexes. */
export type YamlPath = readonly (string | number)[];

/** What is wrong in a YAML file, and where: printed `FILE:LINE:COLUMN: field: message`. */
export interface LocatedProblem {
  readonly file: string;
  /** 1-based; 0 when the problem has no place in a file (a file that does not exist). */
  readonly line: number;
  readonly column: number;
  /** The field's path (`steps[2].needs[0]`); empty when the problem is the whole file. */
  readonly field: string;
  readonly message: string;
}

export function formatLocatedProblem(problem: LocatedProblem): string {
  const where = problem.line > 0 ? `${problem.file}:${problem.line}:${problem.column}:` : `${problem.file}:`;
  return `${where}${problem.field ? ` ${problem.field}:` : ""} ${problem.message}`;
}

/** A key as a message names it: quoted unless it is a plain name, so "" and "a b" show as keys. */
const PLAIN_KEY = /^[A-Za-z0-9_-]+$/;

/** `steps[2].needs[0]`: how a path reads in a message. */
export function fieldName(path: YamlPath): string {
  let name = "";
  for (const part of path) {
    const key = typeof part === "string" && !PLAIN_KEY.test(part) ? JSON.stringify(part) : part;
    name += typeof part === "number" ? `[${part}]` : name ? `.${key}` : key;
  }
  return name;
}

export interface Position {
  /** 1-based. */
  readonly line: number;
  readonly column: number;
}

export interface LocatedYaml {
  /** The value, as `yaml` reads it; undefined for an empty file. */
  readonly value: unknown;
  /** Syntax errors, and aliases that cannot be expanded, with where they are. */
  readonly errors: readonly (Position & { readonly message: string })[];
  /** Where the value at `path` is written (its key with `key`), or the nearest enclosing one. */
  locate(path: YamlPath, key?: boolean): Position;
}

export function parseLocatedYaml(text: string): LocatedYaml {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const position = (offset: number | undefined): Position => {
    const { line, col } = offset === undefined ? { line: 1, col: 1 } : lines.linePos(offset);
    return { line, column: col };
  };
  const syntax = doc.errors.map((error) => ({ offset: error.pos[0], message: error.message.split("\n")[0] ?? error.message }));
  const read = syntax.length > 0 ? { value: undefined, errors: syntax } : valueOf(doc);
  return {
    value: read.value,
    errors: read.errors.map(({ offset, message }) => ({ ...position(offset), message })),
    locate: (path, key = false) => position(offsetOf(doc, path, key)),
  };
}

/**
 * The document's value. `yaml` throws, rather than reports, an alias to no anchor and aliases
 * that expand past its limit (a "billion laughs"): each becomes an error at the alias at fault.
 */
function valueOf(doc: Document): { value: unknown; errors: { offset: number | undefined; message: string }[] } {
  try {
    return { value: doc.toJS() as unknown, errors: [] };
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    return { value: undefined, errors: [{ offset: aliasOffset(doc), message: error.message }] };
  }
}

/** Where the first alias to no anchor is, or else the first alias. */
function aliasOffset(doc: Document): number | undefined {
  let first: number | undefined;
  let unresolved: number | undefined;
  visit(doc, {
    Alias(_, alias) {
      first ??= alias.range?.[0];
      if (alias.resolve(doc) !== undefined) return undefined;
      unresolved = alias.range?.[0];
      return visit.BREAK;
    },
  });
  return unresolved ?? first;
}

/** Where the node at `path` starts (its key's start with `key`); as near as the path exists. */
function offsetOf(doc: Document, path: YamlPath, key: boolean): number | undefined {
  let node: Node | null | undefined = doc.contents;
  let offset = node?.range?.[0];
  for (const [i, part] of path.entries()) {
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((item) => (item.key as { value?: unknown } | null)?.value === part);
      if (!pair) break;
      const keyNode = pair.key as Node | null;
      if (last && key) return keyNode?.range?.[0] ?? offset;
      node = pair.value as Node | null;
      offset = node?.range?.[0] ?? keyNode?.range?.[0] ?? offset;
    } else if (isSeq(node) && typeof part === "number") {
      node = node.items[part] as Node | null | undefined;
      if (!node) break;
      offset = node.range?.[0] ?? offset;
    } else {
      break;
    }
  }
  return offset;
}
