// GitHub's page-based pagination: `per_page` (default 30, at most 100) and `page`, with a Link
// header naming the next, last, first and prev pages.
// https://docs.github.com/en/rest/using-the-rest-api/using-pagination-in-the-rest-api
const DEFAULT_PER_PAGE = 30;
const MAX_PER_PAGE = 100;

export type Page<T> = { items: T[]; headers: Record<string, string> };

/** The page size asked for, within GitHub's bounds. */
export function perPageOf(query: URLSearchParams): number {
  return Math.min(Math.max(Number(query.get("per_page") ?? DEFAULT_PER_PAGE) || DEFAULT_PER_PAGE, 1), MAX_PER_PAGE);
}

export function paginate<T>(items: readonly T[], query: URLSearchParams, url: string): Page<T> {
  const perPage = perPageOf(query);
  const page = Math.max(Number(query.get("page") ?? 1) || 1, 1);
  const last = Math.max(Math.ceil(items.length / perPage), 1);
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const link = (to: number, rel: string) => {
    const target = new URL(url);
    target.searchParams.set("per_page", String(perPage));
    target.searchParams.set("page", String(to));
    return `<${target.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(page - 1, "prev"));
  if (page < last) links.push(link(page + 1, "next"), link(last, "last"));
  if (page > 1) links.push(link(1, "first"));
  return { items: slice, headers: links.length > 0 ? { link: links.join(", ") } : {} };
}
