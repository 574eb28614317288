/**
 * The local cloud's one pagination: AWS list APIs hand out a page and an opaque token for the next one. Here the
 * token is the next page's offset in base64url; each API keeps its own page size and its own error for a token
 * that names no offset. A token past the end (the list shrank between pages) gives an empty last page.
 */
export interface Page<T> {
  items: T[];
  /** Undefined on the last page. */
  nextToken: string | undefined;
}

export function pageOf<T>(
  all: readonly T[],
  request: { token: string | undefined; limit: number },
  invalidToken: (token: string) => Error,
): Page<T> {
  const { token, limit } = request;
  const start = token === undefined || token === '' ? 0 : offsetOf(token);
  if (start === undefined) throw invalidToken(token!);
  const items = all.slice(start, start + limit);
  const end = start + items.length;
  return { items, nextToken: end < all.length ? Buffer.from(String(end)).toString('base64url') : undefined };
}

function offsetOf(token: string): number | undefined {
  const text = Buffer.from(token, 'base64url').toString('utf8');
  return /^\d{1,15}$/.test(text) ? Number(text) : undefined;
}
