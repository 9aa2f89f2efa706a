// jsdom ships no types of its own; the Mermaid parser check (mermaid-parser.ts) needs only a window
// with a document, to hand Mermaid's DOMPurify.
declare module "jsdom" {
  export class JSDOM {
    constructor(html?: string);
    readonly window: { readonly document: unknown };
  }
}
