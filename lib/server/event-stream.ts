/**
 * Server-Sent Events with backpressure: each client has its own bounded queue of
 * encoded events. The stream hands the queue to the HTTP response only as fast as the
 * response drains (pull-based, nothing buffered ahead), so a client that reads slowly
 * or not at all costs at most `maxBytes` of memory and never delays anyone else: the
 * producer (the watch cache) only appends to queues and never waits.
 *
 * When a client's queue passes its cap, the queued events are dropped and replaced by a
 * single `reset` event naming the reason; the stream then ends. The browser reloads what
 * it shows and reconnects (lib/client/live.ts). A client that does not read even that
 * event within `closeAfterMs` is cut off.
 */
import 'server-only';

export interface QueueLimits {
  /** Encoded bytes waiting for one client. */
  maxBytes: number;
  /** Events waiting for one client. */
  maxEvents: number;
}

function envInt(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? Math.floor(v) : fallback;
}

/** Defaults: 4 MiB or 10,000 events per client, whichever comes first (MESHBOARD_SSE_MAX_BYTES / _EVENTS override). */
export function defaultLimits(): QueueLimits {
  return { maxBytes: envInt('MESHBOARD_SSE_MAX_BYTES', 4 * 1024 * 1024), maxEvents: envInt('MESHBOARD_SSE_MAX_EVENTS', 10_000) };
}

export type PushResult = 'queued' | 'overflow' | 'closed';

/** A bounded FIFO of encoded chunks; pure bookkeeping, no I/O. */
export class ClientQueue {
  private chunks: Uint8Array[] = [];
  private head = 0;
  private size = 0;
  /** Set once the cap was passed; nothing more is queued after that. */
  overflowed: string | null = null;
  closed = false;
  /** Most bytes ever queued at once (for figures). */
  peakBytes = 0;

  constructor(readonly limits: QueueLimits) {}

  get bytes(): number {
    return this.size;
  }
  get length(): number {
    return this.chunks.length - this.head;
  }

  push(chunk: Uint8Array): PushResult {
    if (this.closed || this.overflowed) return 'closed';
    const bytes = this.size + chunk.byteLength;
    const events = this.length + 1;
    if (bytes > this.limits.maxBytes || events > this.limits.maxEvents) {
      this.overflowed =
        bytes > this.limits.maxBytes
          ? `more than ${this.limits.maxBytes} bytes of events were waiting for this client`
          : `more than ${this.limits.maxEvents} events were waiting for this client`;
      this.clear();
      return 'overflow';
    }
    this.chunks.push(chunk);
    this.size = bytes;
    if (bytes > this.peakBytes) this.peakBytes = bytes;
    return 'queued';
  }

  /** Everything queued, as one chunk (or undefined when empty). */
  takeAll(): Uint8Array | undefined {
    if (this.length === 0) return undefined;
    const parts = this.chunks.slice(this.head);
    this.clear();
    if (parts.length === 1) return parts[0];
    const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.byteLength;
    }
    return out;
  }

  clear(): void {
    this.chunks = [];
    this.head = 0;
    this.size = 0;
  }
}

export interface EventStreamOptions<E> {
  limits?: QueueLimits;
  /** Called once the stream starts; `send` queues an event; returns the cleanup. */
  start: (send: (event: E) => void) => () => void;
  /** The event that replaces the queue when a client falls behind. */
  resetEvent: (reason: string) => E;
  /** A comment line at this interval keeps proxies from closing an idle stream. */
  heartbeatMs?: number;
  /** After an overflow, how long the client has to read the reset event before being cut off. */
  closeAfterMs?: number;
  /** Ends the stream (the request was aborted). */
  signal?: AbortSignal;
  /** Told when a client is cut off for falling behind (for logs and figures). */
  onOverflow?: (reason: string, queue: ClientQueue) => void;
}

const encoder = new TextEncoder();

export function encodeEvent(event: unknown): Uint8Array {
  return encoder.encode(`data: ${JSON.stringify(event)}\n\n`);
}

/** Live streams and how many were cut off, for the soak figures (GET /api/status does not show them). */
export const streamStats = { open: 0, overflows: 0, queuedBytes: 0 };

export function createEventStream<E>(opts: EventStreamOptions<E>): ReadableStream<Uint8Array> {
  const queue = new ClientQueue(opts.limits ?? defaultLimits());
  let wake: (() => void) | null = null;
  let cleanup: (() => void) | null = null;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let cutoff: ReturnType<typeof setTimeout> | undefined;
  let counted = false;
  let finished = false;
  let ctrl: ReadableStreamDefaultController<Uint8Array> | null = null;
  /** Ends after the queue (the reset event) has been read. */
  let endAfterQueue = false;

  const track = (delta: number) => {
    streamStats.queuedBytes += delta;
  };
  const stop = () => {
    if (finished) return;
    finished = true;
    cleanup?.();
    cleanup = null;
    if (heartbeat) clearInterval(heartbeat);
    if (counted) streamStats.open--;
    counted = false;
    track(-queue.bytes);
    queue.clear();
    queue.closed = true;
    wake?.();
  };
  const enqueueRaw = (chunk: Uint8Array): void => {
    if (finished || endAfterQueue) return;
    const before = queue.bytes;
    const r = queue.push(chunk);
    track(queue.bytes - before);
    if (r === 'overflow') {
      const reason = queue.overflowed!;
      streamStats.overflows++;
      opts.onOverflow?.(reason, queue);
      // Stop listening now: nothing more is queued for this client.
      cleanup?.();
      cleanup = null;
      if (heartbeat) clearInterval(heartbeat);
      queue.overflowed = null;
      queue.push(encodeEvent(opts.resetEvent(reason)));
      track(queue.bytes);
      endAfterQueue = true;
      cutoff = setTimeout(() => {
        try {
          ctrl?.error(new Error('event stream client did not read'));
        } catch {
          /* already closed */
        }
        stop();
      }, opts.closeAfterMs ?? 30_000);
      cutoff.unref?.();
    }
    wake?.();
  };

  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        ctrl = controller;
        streamStats.open++;
        counted = true;
        enqueueRaw(encoder.encode('retry: 2000\n\n'));
        cleanup = opts.start((ev) => enqueueRaw(encodeEvent(ev)));
        if (endAfterQueue) {
          // Overflowed while starting: cleanup ran before it was assigned.
          cleanup?.();
          cleanup = null;
        }
        if (!endAfterQueue) {
          heartbeat = setInterval(() => enqueueRaw(encoder.encode(': keep-alive\n\n')), opts.heartbeatMs ?? 15_000);
          heartbeat.unref?.();
        }
        opts.signal?.addEventListener('abort', () => {
          stop();
          if (cutoff) clearTimeout(cutoff);
          try {
            controller.close();
          } catch {
            /* already closed */
          }
        });
      },
      async pull(controller) {
        while (!finished && queue.length === 0) {
          if (endAfterQueue) {
            if (cutoff) clearTimeout(cutoff);
            stop();
            controller.close();
            return;
          }
          await new Promise<void>((r) => (wake = r));
          wake = null;
        }
        if (finished) return;
        const before = queue.bytes;
        const chunk = queue.takeAll();
        track(-before);
        if (chunk) controller.enqueue(chunk);
      },
      cancel() {
        if (cutoff) clearTimeout(cutoff);
        stop();
      },
    },
    // Nothing read ahead: events wait in the client's own bounded queue until the response drains.
    new CountQueuingStrategy({ highWaterMark: 0 }),
  );
}
