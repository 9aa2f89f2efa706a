// YAML read as a document, so that a problem found in the value can be traced back to the line
// and column it was written at: a formula's or a config's errors point at the very spot.
import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";

/** A path into the value: keys and list indexes. */
export type YamlPath = readonly (string | number)[];

export interface Position {
  /** 1-based. */
  readonly line: number;
  readonly column: number;
}

export interface LocatedYaml {
  /** The value, as `yaml` reads it; undefined for an empty file. */
  readonly value: unknown;
  /** Syntax errors, with where they are. */
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
  return {
    value: doc.errors.length > 0 ? undefined : (doc.toJS() as unknown),
    errors: doc.errors.map((error) => ({
      ...position(error.pos[0]),
      message: error.message.split("\n")[0] ?? error.message,
    })),
    locate: (path, key = false) => position(offsetOf(doc, path, key)),
  };
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
