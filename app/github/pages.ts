// GitHub's listings, page by page: each page asked for in turn, until one shorter than a full
// page says it was the last. Callers stop early by leaving the loop.

/** GitHub's largest page. */
export const PER_PAGE = 100;

/** The listing's pages in order; `fetchPage` asks GitHub for page `page` (from 1) of PER_PAGE items. */
export async function* pages<T>(fetchPage: (page: number) => Promise<readonly T[]>): AsyncGenerator<readonly T[]> {
  for (let page = 1; ; page++) {
    const items = await fetchPage(page);
    yield items;
    if (items.length < PER_PAGE) return;
  }
}
