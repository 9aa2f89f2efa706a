// Mermaid's own parser, run in Node, to check the pictures the App draws: each ```mermaid fence of
// a comment parsed as GitHub's renderer would parse it, and what the parser made of it (nodes and
// their text, arrows, boxes, links and click handlers) handed back to assert on. Mermaid sanitises
// labels with DOMPurify, which needs a DOM: jsdom's, there while Mermaid is loaded.
import { JSDOM } from "jsdom";
import { unfenced } from "../../app/town/fenced-text.js";

export interface ParsedNode {
  readonly id: string;
  /** The label as it will be drawn, entity codes decoded. */
  readonly text: string;
  readonly classes: readonly string[];
  /** A link or a click callback: never in what the App draws. */
  readonly link?: string;
  readonly haveCallback?: boolean;
}

export interface ParsedDiagram {
  readonly nodes: readonly ParsedNode[];
  readonly edges: readonly (readonly [string, string])[];
  readonly groups: readonly { readonly id: string; readonly title: string; readonly nodes: readonly string[] }[];
  readonly tooltips: number;
  readonly accTitle: string;
}

interface FlowDb {
  getVertices(): Map<string, { id: string; text: string; classes: string[]; link?: string; haveCallback?: boolean }>;
  getEdges(): { start: string; end: string }[];
  getSubGraphs(): { id: string; title: string; nodes: string[] }[];
  getTooltip(id: string): string | undefined;
  getAccTitle(): string;
}

type Mermaid = typeof import("mermaid").default;

let loaded: Promise<Mermaid> | undefined;

/** Mermaid, loaded once: seconds on a busy machine, so a harness may load it before its tests. */
export function loadMermaid(): Promise<Mermaid> {
  loaded ??= (async () => {
    // Mermaid's DOMPurify takes the window it finds when it loads; parsing needs no more of it,
    // so the globals go again and the rest of the test process sees no browser.
    const { window } = new JSDOM("");
    const globals = globalThis as { window?: unknown; document?: unknown };
    Object.assign(globals, { window, document: window.document });
    try {
      return (await import("mermaid")).default;
    } finally {
      delete globals.window;
      delete globals.document;
    }
  })();
  return loaded;
}

/** The source of every ```mermaid fence in a comment (fences of any length), in order. */
export function mermaidSources(body: string): string[] {
  const blocks = body.matchAll(/^(`{3,})mermaid\n[\s\S]*?\n\1$/gm);
  return [...blocks].map((m) => unfenced(`${m[0]}\n`));
}

/** One diagram parsed, or the parser's error thrown. */
export async function parseMermaid(source: string): Promise<ParsedDiagram> {
  const api = await loadMermaid();
  await api.parse(source);
  const diagram = await api.mermaidAPI.getDiagramFromText(source);
  const db = diagram.db as unknown as FlowDb;
  const decode = (text: string) => text.replace(/ﬂ°°(\d+)¶ß/g, (_, code: string) => String.fromCodePoint(Number(code)));
  const vertices = [...db.getVertices().values()];
  return {
    nodes: vertices.map((v) => ({
      id: v.id, text: decode(v.text), classes: v.classes,
      ...(v.link !== undefined ? { link: v.link } : {}), ...(v.haveCallback ? { haveCallback: true } : {}),
    })),
    edges: db.getEdges().map((e) => [e.start, e.end] as const),
    groups: db.getSubGraphs().map((g) => ({ id: g.id, title: decode(g.title), nodes: g.nodes })),
    tooltips: vertices.filter((v) => db.getTooltip(v.id) !== undefined).length,
    accTitle: db.getAccTitle(),
  };
}

/** Every diagram of a comment parsed; a comment with none gives none. */
export async function parseDiagrams(body: string): Promise<ParsedDiagram[]> {
  const parsed: ParsedDiagram[] = [];
  for (const source of mermaidSources(body)) parsed.push(await parseMermaid(source));
  return parsed;
}
