/**
 * `fetch` whose failure names its cause. Node's fetch rejects with a bare `TypeError: fetch failed`
 * and keeps what happened (a refused connection, a DNS failure, a TLS error, a timeout) in
 * `error.cause` (undici); an operator needs that, and the URL.
 */
export async function fetchWithCause(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (err) {
    throw new Error(`${init?.method ?? "GET"} ${url}: ${describeFetchError(err)}`, { cause: err });
  }
}

/** "fetch failed: connect ECONNREFUSED 127.0.0.1:1 (ECONNREFUSED)" rather than "fetch failed". */
export function describeFetchError(err: unknown): string {
  // Not `instanceof Error`: fetch's TypeError may come from another realm (a test's VM context).
  const message = (err as { message?: string } | undefined)?.message ?? String(err);
  const cause = (err as { cause?: { message?: string; code?: string } } | undefined)?.cause;
  if (!cause) return message;
  const code = cause.code && !cause.message?.includes(cause.code) ? ` (${cause.code})` : "";
  return `${message}: ${cause.message ?? String(cause)}${code}`;
}
