/**
 * Server-Sent Events: cache changes of one context, pushed to the browser.
 * Events: status, kinds, change. A comment line every 15 s keeps proxies from
 * closing an idle stream.
 */
import type { ServerEvent } from '@/lib/contracts/api';
import type { CacheEvent } from '@/lib/k8s/cache';
import { getClusterCache } from '@/lib/k8s/caches';
import { kindSummaries, toKindSummary } from '@/lib/server/responses';
import { contextOf, route } from '@/lib/server/http';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Events queued for a client that does not read before the stream is closed. */
const MAX_QUEUED = 2000;

function toServerEvent(e: CacheEvent): ServerEvent | null {
  switch (e.type) {
    case 'STATUS':
      return { type: 'status', status: e.status };
    case 'KINDS':
      return { type: 'kinds', kinds: e.kinds.map(toKindSummary) };
    default:
      return { type: 'change', change: e.type, typeKey: e.typeKey, object: stripManagedFields(e.object) };
  }
}

function stripManagedFields<T extends { metadata: { managedFields?: unknown } }>(o: T): T {
  if (!o.metadata.managedFields) return o;
  // Keep only what writtenApiVersion() needs.
  const mf = (o.metadata.managedFields as Array<{ apiVersion?: string; time?: string; subresource?: string }>).map(({ apiVersion, time, subresource }) => ({ apiVersion, time, subresource }));
  return { ...o, metadata: { ...o.metadata, managedFields: mf } };
}

export const GET = route(async (req) => {
  const cache = getClusterCache(contextOf(req));
  const encoder = new TextEncoder();
  let unsubscribe = () => {};
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  const stream = new ReadableStream<Uint8Array>(
    {
    start(controller) {
      const send = (ev: ServerEvent) => {
        try {
          // A client that stopped reading (a frozen tab) must not make us buffer without
          // bound: close; EventSource reconnects and the page refetches what it shows.
          if ((controller.desiredSize ?? 0) < -MAX_QUEUED) {
            cleanup();
            controller.close();
            return;
          }
          controller.enqueue(encoder.encode(`data: ${JSON.stringify(ev)}\n\n`));
        } catch {
          cleanup();
        }
      };
      const cleanup = () => {
        unsubscribe();
        if (heartbeat) clearInterval(heartbeat);
      };
      controller.enqueue(encoder.encode('retry: 2000\n\n'));
      send({ type: 'status', status: cache.getStatus() });
      send({ type: 'kinds', kinds: kindSummaries(cache) });
      unsubscribe = cache.subscribe((e) => {
        const ev = toServerEvent(e);
        if (ev) send(ev);
      });
      heartbeat = setInterval(() => {
        try {
          controller.enqueue(encoder.encode(': keep-alive\n\n'));
        } catch {
          cleanup();
        }
      }, 15_000);
      req.signal.addEventListener('abort', () => {
        cleanup();
        try {
          controller.close();
        } catch {
          /* already closed */
        }
      });
    },
    cancel() {
      unsubscribe();
      if (heartbeat) clearInterval(heartbeat);
    },
    },
    new CountQueuingStrategy({ highWaterMark: 1 }),
  );
  return new Response(stream, {
    headers: { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' },
  });
});
