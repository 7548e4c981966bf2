/**
 * Server-Sent Events: cache changes of one context, pushed to the browser.
 * Events: status, kinds, change, and reset (the client fell behind its queue's cap; see
 * lib/server/event-stream.ts). A comment line every 15 s keeps proxies from closing an
 * idle stream.
 */
import type { ServerEvent } from '@/lib/contracts/api';
import type { CacheEvent } from '@/lib/k8s/cache';
import { getClusterCache } from '@/lib/k8s/caches';
import { kindSummaries, toKindSummary } from '@/lib/server/responses';
import { createEventStream } from '@/lib/server/event-stream';
import { contextOf, route } from '@/lib/server/http';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

function toServerEvent(e: CacheEvent): ServerEvent | null {
  switch (e.type) {
    case 'STATUS':
      return { type: 'status', status: e.status };
    case 'KINDS':
      return { type: 'kinds', kinds: e.kinds.map(toKindSummary) };
    case 'SECRETS':
      return { type: 'reanalyze' };
    default:
      return { type: 'change', change: e.type, typeKey: e.typeKey, object: stripManagedFields(e.object) };
  }
}

function stripManagedFields<T extends { metadata: { managedFields?: unknown } }>(o: T): T {
  if (!o.metadata.managedFields) return o;
  // Keep only what writtenApiVersion() needs.
  const mf = (o.metadata.managedFields as Array<{ apiVersion?: string; time?: string; subresource?: string }>).map(({ apiVersion, time, subresource }) => ({
    apiVersion,
    time,
    subresource,
  }));
  return { ...o, metadata: { ...o.metadata, managedFields: mf } };
}

export const GET = route(async (req) => {
  const cache = getClusterCache(contextOf(req));
  const stream = createEventStream<ServerEvent>({
    signal: req.signal,
    resetEvent: (reason) => ({ type: 'reset', reason }),
    onOverflow: (reason) => console.warn(`[meshboard] event stream client cut off: ${reason}`),
    start: (send) => {
      send({ type: 'status', status: cache.getStatus() });
      send({ type: 'kinds', kinds: kindSummaries(cache) });
      return cache.subscribe((e) => {
        const ev = toServerEvent(e);
        if (ev) send(ev);
      });
    },
  });
  return new Response(stream, {
    headers: {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    },
  });
});
