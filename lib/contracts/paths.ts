/**
 * Request paths Next.js cannot decode (a malformed percent-escape such as %ZZ, or bytes
 * that are not UTF-8 such as %C3%28) make it fail with a plain 500 before any route
 * handler runs. proxy.ts answers them with a 400 that says what is wrong instead.
 * Pure (no Node APIs, no server-only marker), so it runs wherever the proxy runs.
 */
export function malformedPath(pathname: string): string | null {
  for (const segment of pathname.split('/')) {
    try {
      decodeURIComponent(segment);
    } catch {
      return segment;
    }
  }
  return null;
}

export function malformedPathResponse(pathname: string): Response | null {
  const bad = malformedPath(pathname);
  if (bad === null) return null;
  const shown = bad.length > 80 ? `${bad.slice(0, 80)}…` : bad;
  return new Response(
    JSON.stringify({
      status: 400,
      reason: 'BadRequest',
      message: `The URL path has a malformed percent-escape or bytes that are not UTF-8 in segment ${JSON.stringify(shown)}.`,
    }),
    {
      status: 400,
      headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' },
    },
  );
}
