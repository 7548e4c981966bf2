/**
 * Runs before routing for the HTTP API: a path Next.js cannot decode gets a clear 400
 * (lib/contracts/paths.ts) instead of Next's own plain-text 500.
 */
import { NextResponse, type NextRequest } from 'next/server';
import { malformedPathResponse } from '@/lib/contracts/paths';

export function proxy(req: NextRequest) {
  return malformedPathResponse(req.nextUrl.pathname) ?? NextResponse.next();
}

export const config = {
  matcher: ['/api/:path*'],
};
