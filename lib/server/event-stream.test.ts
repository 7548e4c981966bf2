import { describe, expect, it } from 'vitest';
import { ClientQueue, createEventStream, streamStats } from './event-stream';

const bytes = (s: string) => new TextEncoder().encode(s);

/** A producer many streams subscribe to, like the watch cache. */
function producer() {
  const listeners = new Set<(n: number) => void>();
  return {
    listeners,
    emit: (n: number) => listeners.forEach((l) => l(n)),
    start: (send: (e: { type: 'n'; n: number } | { type: 'reset'; reason: string }) => void) => {
      const l = (n: number) => send({ type: 'n', n });
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
}

/** Read whole SSE data events from a stream until it ends or `want` events arrived. */
async function readEvents(stream: ReadableStream<Uint8Array>, want = Infinity): Promise<{ events: unknown[]; ended: boolean }> {
  const reader = stream.getReader();
  const dec = new TextDecoder();
  let buf = '';
  const events: unknown[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { events, ended: true };
    buf += dec.decode(value, { stream: true });
    let i: number;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      if (block.startsWith('data: ')) events.push(JSON.parse(block.slice(6)));
    }
    if (events.length >= want) {
      reader.releaseLock();
      return { events, ended: false };
    }
  }
}

describe('per-client event queue', () => {
  it('queues in order and hands everything over as one chunk', () => {
    const q = new ClientQueue({ maxBytes: 100, maxEvents: 10 });
    expect(q.push(bytes('ab'))).toBe('queued');
    expect(q.push(bytes('cd'))).toBe('queued');
    expect(q.bytes).toBe(4);
    expect(new TextDecoder().decode(q.takeAll())).toBe('abcd');
    expect(q.length).toBe(0);
    expect(q.takeAll()).toBeUndefined();
  });

  it('overflows on the byte cap, drops what was queued and refuses more', () => {
    const q = new ClientQueue({ maxBytes: 10, maxEvents: 100 });
    expect(q.push(bytes('123456'))).toBe('queued');
    expect(q.push(bytes('123456'))).toBe('overflow');
    expect(q.overflowed).toMatch(/more than 10 bytes/);
    expect(q.bytes).toBe(0);
    expect(q.push(bytes('1'))).toBe('closed');
    expect(q.peakBytes).toBe(6);
  });

  it('overflows on the event cap', () => {
    const q = new ClientQueue({ maxBytes: 1e6, maxEvents: 3 });
    for (let i = 0; i < 3; i++) expect(q.push(bytes('x'))).toBe('queued');
    expect(q.push(bytes('x'))).toBe('overflow');
    expect(q.overflowed).toMatch(/more than 3 events/);
  });
});

describe('event stream with backpressure', () => {
  it('delivers every event, in order, to a client that keeps reading', async () => {
    const p = producer();
    const stream = createEventStream({
      start: p.start,
      resetEvent: (reason) => ({ type: 'reset' as const, reason }),
      limits: { maxBytes: 1e6, maxEvents: 1000 },
    });
    const reading = readEvents(stream, 500);
    for (let i = 0; i < 500; i++) {
      p.emit(i);
      if (i % 50 === 0) await new Promise((r) => setTimeout(r, 0));
    }
    const { events } = await reading;
    expect(events).toEqual(Array.from({ length: 500 }, (_, n) => ({ type: 'n', n })));
  });

  it('cuts off a client that does not read, with a reset event, without stalling another client', async () => {
    const p = producer();
    const limits = { maxBytes: 2000, maxEvents: 1000 };
    const overflows: string[] = [];
    const slow = createEventStream({
      start: p.start,
      resetEvent: (reason) => ({ type: 'reset' as const, reason }),
      limits,
      onOverflow: (r) => overflows.push(r),
    });
    const fast = createEventStream({ start: p.start, resetEvent: (reason) => ({ type: 'reset' as const, reason }), limits });
    const before = streamStats.overflows;
    const fastReading = readEvents(fast, 2000);
    // Nobody reads `slow`: its queue passes 2000 bytes after about 100 events.
    for (let i = 0; i < 2000; i++) {
      p.emit(i);
      if (i % 20 === 0) await new Promise((r) => setTimeout(r, 0));
      // Memory stays bounded: what waits for the slow client never passes the cap.
      expect(streamStats.queuedBytes).toBeLessThanOrEqual(limits.maxBytes * 2 + 200);
    }
    const { events: fastEvents } = await fastReading;
    expect(fastEvents).toHaveLength(2000);
    expect(fastEvents.at(-1)).toEqual({ type: 'n', n: 1999 });
    expect(overflows).toHaveLength(1);
    expect(streamStats.overflows).toBe(before + 1);
    // The slow client stopped listening: only the fast one is still subscribed.
    expect(p.listeners.size).toBe(1);
    // When the slow client finally reads, it gets the events that fitted, then the reason, then the end.
    const { events, ended } = await readEvents(slow);
    expect(ended).toBe(true);
    const last = events.at(-1) as { type: string; reason: string };
    expect(last.type).toBe('reset');
    expect(last.reason).toMatch(/more than 2000 bytes/);
    expect(events.length).toBeLessThan(120);
  });

  it('unsubscribes when the request is aborted', async () => {
    const p = producer();
    const ac = new AbortController();
    const stream = createEventStream({ start: p.start, resetEvent: (reason) => ({ type: 'reset' as const, reason }), signal: ac.signal });
    expect(p.listeners.size).toBe(1);
    ac.abort();
    expect(p.listeners.size).toBe(0);
    const { ended } = await readEvents(stream);
    expect(ended).toBe(true);
  });

  it('errors a client that does not read even the reset event', async () => {
    const p = producer();
    const stream = createEventStream({
      start: p.start,
      resetEvent: (reason) => ({ type: 'reset' as const, reason }),
      limits: { maxBytes: 100, maxEvents: 100 },
      closeAfterMs: 50,
    });
    for (let i = 0; i < 20; i++) p.emit(i);
    await new Promise((r) => setTimeout(r, 150));
    await expect(stream.getReader().read()).rejects.toThrow(/did not read/);
  });
});
