// Paging for service containers (line items, results, memberships): slice by
// limit/page and describe neighbours in an RFC 8288 Link header, keeping every other
// query parameter (role, type_id, filters) so following rel="next" is all a tool needs.

export interface Page<T> {
  items: T[];
  page: number;
  lastPage: number;
}

export function pageOf<T>(all: readonly T[], limit: number, page: number): Page<T> {
  const lastPage = Math.max(1, Math.ceil(all.length / limit));
  const start = (page - 1) * limit;
  return { items: all.slice(start, start + limit), page, lastPage };
}

function pageUrl(requestUrl: URL, limit: number, page: number): string {
  const url = new URL(requestUrl);
  url.searchParams.set('limit', String(limit));
  url.searchParams.set('page', String(page));
  return url.toString();
}

export function linkHeader(requestUrl: URL, limit: number, page: Page<unknown>): string {
  const links = [`<${pageUrl(requestUrl, limit, 1)}>; rel="first"`, `<${pageUrl(requestUrl, limit, page.lastPage)}>; rel="last"`];
  if (page.page < page.lastPage) links.unshift(`<${pageUrl(requestUrl, limit, page.page + 1)}>; rel="next"`);
  if (page.page > 1) links.push(`<${pageUrl(requestUrl, limit, page.page - 1)}>; rel="prev"`);
  return links.join(', ');
}
