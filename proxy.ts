/**
 * Pages are served only to a signed-in person in the in-cluster modes: without a
 * session (token mode) the browser is sent to /signin; in header mode anything that
 * did not come through the configured proxy is refused. API routes check the same in
 * lib/server/http.ts. Local mode passes everything through.
 */
import { NextResponse, type NextRequest } from 'next/server';
import { pageGate } from '@/lib/server/identity';

export function proxy(req: NextRequest) {
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
  // Everything but the sign-in page, the API (checked per route), and static assets.
  matcher: ['/((?!api/|signin|_next/|favicon).*)'],
};
