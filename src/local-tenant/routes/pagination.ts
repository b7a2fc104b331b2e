/**
 * Auth0's list pages. Page 0 (or no page asked) carries `total` when there is anything to count;
 * later pages carry `page` and no `total`. The SDK keeps asking while `total > start + limit`, and
 * Auth0 sends neither start nor limit: a server that always sent `total` would make the provider
 * read page after page forever.
 */
import { TenantError } from "../errors";

export function paginate<T>(
  key: string,
  items: readonly T[],
  query: { page?: string; per_page?: string },
  defaultPerPage = 50,
): Record<string, unknown> {
  const page = parseIndex(query.page, "page", 0, Number.MAX_SAFE_INTEGER) ?? 0;
  const perPage = parseIndex(query.per_page, "per_page", 1, 100) ?? defaultPerPage;
  const slice = items.slice(page * perPage, page * perPage + perPage);
  return {
    [key]: slice,
    ...(page === 0 && items.length > 0 ? { total: items.length } : {}),
    ...(page > 0 ? { page } : {}),
    per_page: perPage,
  };
}

function parseIndex(raw: string | undefined, name: string, min: number, max: number): number | undefined {
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new TenantError(
      400,
      "invalid_query_string",
      `Query validation error: '${name}' must be an integer between ${min} and ${max === Number.MAX_SAFE_INTEGER ? "2^53" : max}.`,
    );
  }
  return n;
}
