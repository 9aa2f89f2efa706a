// GitHub's cursor-based pagination, as the webhook delivery lists have it: `per_page` (default
// 30, at most 100) and an opaque `cursor`, which only the Link header's rel="next" URL hands out.
// https://docs.github.com/en/rest/using-the-rest-api/using-pagination-in-the-rest-api
import { perPageOf, type Page } from "./pagination.js";

// The cursor names the first record of the page it opens (by id, in GitHub's `v1_<id>` form),
// not an offset, so records added while a client pages (newer, on top) move nothing it has yet to read.
const CURSOR = /^v1_(\d+)$/;

/**
 * The page of `newestFirst` (ids descending) that the query's cursor opens, with the next page's
 * link; undefined for a cursor this emulator never handed out.
 */
export function pageByCursor<T extends { id: number }>(newestFirst: readonly T[], query: URLSearchParams, url: string): Page<T> | undefined {
  const perPage = perPageOf(query);
  const cursor = query.get("cursor");
  const match = cursor === null || cursor === "" ? undefined : CURSOR.exec(cursor);
  if (match === null) return undefined;
  const first = match === undefined ? 0 : newestFirst.findIndex((item) => item.id <= Number(match[1]));
  const start = first === -1 ? newestFirst.length : first;
  const items = newestFirst.slice(start, start + perPage);
  const next = newestFirst[start + perPage];
  if (next === undefined) return { items, headers: {} };
  const target = new URL(url);
  target.searchParams.set("per_page", String(perPage));
  target.searchParams.set("cursor", `v1_${next.id}`);
  return { items, headers: { link: `<${target.toString()}>; rel="next"` } };
}
