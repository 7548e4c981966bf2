/**
 * Runs before routing:
 * - a path Next.js cannot decode gets a clear 400 (lib/contracts/paths.ts) instead of
 *   Next's own plain-text 500, for the API and the pages alike;
 * - pages are served only to a signed-in person in the in-cluster modes: without a
 *   session (token mode) the browser is sent to /signin; in header mode anything that
 *   did not come through the configured proxy is refused. API routes check the same in
 *   lib/server/http.ts. Local mode passes everything through.
 */
import { NextResponse, type NextRequest } from 'next/server';
import { malformedPathResponse } from '@/lib/contracts/paths';
import { pageGate } from '@/lib/server/identity';

export function proxy(req: NextRequest) {
  const malformed = malformedPathResponse(req.nextUrl.pathname);
  if (malformed) return malformed;
  const path = req.nextUrl.pathname;
  // The API checks sessions per route; the sign-in page must be reachable without one.
  if (path.startsWith('/api/') || path === '/signin' || path.startsWith('/signin/')) return NextResponse.next();
  let gate: ReturnType<typeof pageGate>;
  try {
    gate = pageGate(req);
  } catch (e) {
    return new NextResponse(`Meshboard is misconfigured: ${(e as Error).message}`, { status: 503 });
  }
  if (gate === 'ok') return NextResponse.next();
  if (gate === 'untrusted') return new NextResponse('Refused: this request did not come through the configured authenticating proxy.', { status: 403 });
  const url = req.nextUrl.clone();
  url.pathname = '/signin';
  url.search = '';
  return NextResponse.redirect(url);
}

export const config = {
  // Everything but static assets (Next's and public/).
  matcher: ['/((?!_next/|favicon|icon\\.svg|screenshots/).*)'],
};
