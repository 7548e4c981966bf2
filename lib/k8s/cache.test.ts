import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../istio/types';
import { Reflector, type CacheEvent, type ReflectorIo } from './cache';
import { KubeApiError, UnreachableError, fromStatus } from './errors';
import { kindsFromCrds, type CrdLike } from './discovery';

const vs = (name: string, rv: string): K8sObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name, namespace: 'd', resourceVersion: rv },
});
const TYPE = { group: 'networking.istio.io', version: 'v1', kind: 'VirtualService', plural: 'virtualservices', namespaced: true };

type WatchFn = ReflectorIo['watch'];
type Step = { list?: { rv: string; items: K8sObject[] } | Error; watch?: (onEvent: Parameters<WatchFn>[2], signal: AbortSignal) => Promise<void> };

/** An API server in a script: each list/watch call takes the next step. */
function scripted(steps: Step[]) {
  const calls: string[] = [];
  const lists = steps.filter((s) => s.list);
  const watches = steps.filter((s) => s.watch);
  const io: ReflectorIo = {
    list: async () => {
      calls.push('list');
      const s = lists.shift();
      if (!s) return new Promise(() => {});
      if (s.list instanceof Error) throw s.list;
      return { metadata: { resourceVersion: s.list!.rv }, items: s.list!.items };
    },
    watch: async (_p, q, onEvent, signal) => {
      calls.push(`watch@${q.resourceVersion}`);
      const s = watches.shift();
      if (!s) return new Promise<void>((r) => signal.addEventListener('abort', () => r()));
      return s.watch!(onEvent, signal);
    },
  };
  return { io, calls };
}

async function until(cond: () => boolean, ms = 5000) {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('watch cache reflector', () => {
  it('announces the first list, applies newer events and ignores stale ones', async () => {
    const events: CacheEvent[] = [];
    let push!: Parameters<WatchFn>[2];
    const { io, calls } = scripted([{ list: { rv: '10', items: [vs('a', '5'), vs('b', '6')] } }, { watch: (on) => ((push = on), new Promise(() => {})) }]);
    const r = new Reflector(
      io,
      TYPE,
      (e) => events.push(e),
      () => {},
    );
    await r.whenFirstSynced();
    await until(() => !!push);
    expect(events.map((e) => `${e.type}:${(e as { object: K8sObject }).object.metadata.name}`)).toEqual(['ADDED:a', 'ADDED:b']);
    expect(calls).toEqual(['list', 'watch@10']);
    push({ type: 'MODIFIED', object: vs('a', '4') }); // stale
    push({ type: 'MODIFIED', object: vs('a', '11') });
    push({ type: 'DELETED', object: vs('b', '12') });
    expect(events.slice(2).map((e) => `${e.type}:${(e as { object: K8sObject }).object.metadata.name}`)).toEqual(['MODIFIED:a', 'DELETED:b']);
    expect(r.items.get('d/a')?.metadata.resourceVersion).toBe('11');
    r.stop();
  });

  it('relists after 410 Gone and emits what changed meanwhile', async () => {
    const events: string[] = [];
    const { io, calls } = scripted([
      { list: { rv: '10', items: [vs('a', '5'), vs('b', '6')] } },
      { watch: async (on) => on({ type: 'ERROR', object: { code: 410, reason: 'Expired' } as never }) },
      { list: { rv: '30', items: [vs('a', '20'), vs('c', '21')] } },
    ]);
    const r = new Reflector(
      io,
      TYPE,
      (e) => 'object' in e && events.push(`${e.type}:${e.object.metadata.name}`),
      () => {},
    );
    await until(() => calls.length >= 4);
    expect(calls.slice(0, 4)).toEqual(['list', 'watch@10', 'list', 'watch@30']);
    expect(events).toEqual(['ADDED:a', 'ADDED:b', 'MODIFIED:a', 'ADDED:c', 'DELETED:b']);
    expect(r.state).toBe('ok');
    r.stop();
  });

  it('reports an unreachable server, then recovers by relisting', async () => {
    const states: string[] = [];
    const { io } = scripted([{ list: new UnreachableError('https://127.0.0.1:1', 'ECONNREFUSED') }, { list: { rv: '3', items: [vs('a', '1')] } }]);
    const r: Reflector = new Reflector(
      io,
      TYPE,
      () => {},
      () => states.push(r.state),
    );
    await until(() => r.state === 'ok');
    expect(states).toEqual(['unreachable', 'ok']);
    expect(r.lastError).toBe('');
    r.stop();
  });

  it('marks a type the user may not list as forbidden without blocking readers', async () => {
    const { io } = scripted([{ list: new KubeApiError(403, 'Forbidden', 'no') }]);
    const r = new Reflector(
      io,
      TYPE,
      () => {},
      () => {},
    );
    await r.whenFirstSynced();
    expect(r.state).toBe('forbidden');
    r.stop();
  });
});

describe('metadata-only reflector (Secrets)', () => {
  const SECRET = { group: '', version: 'v1', kind: 'Secret', plural: 'secrets', namespaced: true };
  const applied = '{"apiVersion":"v1","kind":"Secret","data":{"tls.key":"c2VjcmV0"}}';
  const meta = (name: string, rv: string) =>
    ({
      apiVersion: 'meta.k8s.io/v1',
      kind: 'PartialObjectMetadata',
      metadata: {
        name,
        namespace: 'istio-system',
        uid: `u-${name}`,
        resourceVersion: rv,
        labels: { app: 'x' },
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': applied },
      },
    }) as K8sObject;

  /** A whole Secret, as a server that ignored the metadata-only Accept would send it. */
  const secretWithData = (name: string, rv: string) =>
    ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'istio-system', resourceVersion: rv }, data: { 'tls.key': 'c2VjcmV0' } }) as K8sObject;
  const metadataReflector = (io: ReflectorIo) =>
    new Reflector(
      io,
      SECRET,
      () => {},
      () => {},
      { metadataOnly: true },
    );

  it('asks for metadata only and keeps name, namespace, uid, resourceVersion and labels, never annotations', async () => {
    const accepts: Array<string | undefined> = [];
    let push!: Parameters<WatchFn>[2];
    const io: ReflectorIo = {
      list: async (_p, _q, _s, accept) => {
        accepts.push(accept);
        return { kind: 'PartialObjectMetadataList', metadata: { resourceVersion: '5' }, items: [meta('a', '4')] };
      },
      watch: async (_p, _q, on, signal, accept) => {
        accepts.push(accept);
        push = on;
        return new Promise<void>((r) => signal.addEventListener('abort', () => r()));
      },
    };
    const r = metadataReflector(io);
    await r.whenFirstSynced();
    await until(() => !!push);
    expect(accepts).toEqual([
      'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1',
      'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1',
    ]);
    push({ type: 'ADDED', object: meta('b', '6') });
    const kept = [...r.items.values()];
    expect(kept).toEqual([
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'a', namespace: 'istio-system', uid: 'u-a', resourceVersion: '4', labels: { app: 'x' } } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'b', namespace: 'istio-system', uid: 'u-b', resourceVersion: '6', labels: { app: 'x' } } },
    ]);
    expect(JSON.stringify(kept)).not.toContain('c2VjcmV0');
    r.stop();
  });

  it('refuses an answer that is not metadata only: nothing of it is kept', async () => {
    const full = secretWithData('a', '4');
    const io: ReflectorIo = {
      list: async () => ({ kind: 'SecretList', metadata: { resourceVersion: '5' }, items: [full] }),
      watch: async (_p, _q, _on, signal) => new Promise<void>((r) => signal.addEventListener('abort', () => r())),
    };
    const r = metadataReflector(io);
    await until(() => r.state === 'error');
    expect(r.lastError).toMatch(/metadata-only list with a SecretList/);
    expect(r.items.size).toBe(0);
    expect(r.listed).toBe(false);
    r.stop();
  });

  it('closes a watch whose events are not metadata only', async () => {
    const full = secretWithData('b', '6');
    let lists = 0;
    const io: ReflectorIo = {
      list: async () => (lists++ ? new Promise(() => {}) : { kind: 'PartialObjectMetadataList', metadata: { resourceVersion: '5' }, items: [meta('a', '4')] }),
      watch: async (_p, _q, on) => on({ type: 'ADDED', object: full }),
    };
    const r = metadataReflector(io);
    await until(() => r.state === 'error');
    expect(r.lastError).toMatch(/metadata-only watch with a Secret/);
    expect([...r.items.keys()]).toEqual(['istio-system/a']);
    r.stop();
  });
});

describe('errors and discovery', () => {
  it('keeps the meaning of a Kubernetes Status', () => {
    const e = fromStatus(
      422,
      JSON.stringify({ kind: 'Status', code: 422, reason: 'Invalid', message: 'bad', details: { name: 'x', causes: [{ field: 'spec.x', message: 'y' }] } }),
    );
    expect(e.toBody()).toEqual({ status: 422, reason: 'Invalid', message: 'bad', causes: [{ field: 'spec.x', message: 'y' }], details: { name: 'x' } });
    expect(fromStatus(502, '<html>gateway</html>').toBody()).toMatchObject({ status: 502, message: '<html>gateway</html>' });
  });
  it('takes served versions and the preferred one from CRDs, skipping ones not established', () => {
    const crd = (name: string, established: string, versions: Array<[string, boolean]>): CrdLike => ({
      metadata: { name },
      status: { conditions: [{ type: 'Established', status: established }] },
      spec: {
        group: 'networking.istio.io',
        scope: 'Namespaced',
        names: { kind: name, plural: name.toLowerCase() + 's' },
        versions: versions.map(([n, served]) => ({ name: n, served, storage: n === 'v1' })),
      },
    });
    const kinds = kindsFromCrds([
      crd('Gateway', 'True', [
        ['v1alpha3', true],
        ['v1', true],
        ['v1beta1', false],
      ]),
      crd('Sidecar', 'False', [['v1', true]]),
    ]);
    expect(kinds.map((k) => [k.kind, k.served, k.preferred])).toEqual([['Gateway', ['v1alpha3', 'v1'], 'v1']]);
  });
});

/**
 * An API server in memory with a bounded event history: a watch from a resourceVersion
 * older than the history gets 410 Gone (as an ERROR event or as the HTTP status), like a
 * real one after compaction. Writers change objects all the time meanwhile.
 */
function compactingServer(seed: number) {
  let s = seed >>> 0;
  const rand = () => (s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 4294967296;
  let rv = 100;
  const store = new Map<string, K8sObject>();
  const history: Array<{ rv: number; type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: K8sObject }> = [];
  let oldest = rv; // events after this rv are in the history
  const watchers = new Set<{ from: number; on: Parameters<WatchFn>[2]; end: (gone: boolean) => void }>();
  const counts = { gone: 0, lists: 0, writes: 0 };
  const publish = (type: 'ADDED' | 'MODIFIED' | 'DELETED', object: K8sObject) => {
    history.push({ rv, type, object });
    for (const w of watchers) w.on({ type, object });
  };
  const write = () => {
    rv++;
    counts.writes++;
    const name = `vs-${Math.floor(rand() * 40)}`;
    const old = store.get(name);
    if (old && rand() < 0.2) {
      store.delete(name);
      publish('DELETED', { ...old, metadata: { ...old.metadata, resourceVersion: String(rv) } });
    } else {
      const o = vs(name, String(rv));
      store.set(name, o);
      publish(old ? 'MODIFIED' : 'ADDED', o);
    }
  };
  /** Drop the history: open watches end with 410 Gone, as after an etcd compaction. */
  const compact = () => {
    history.length = 0;
    oldest = rv;
    for (const w of watchers) w.end(true);
  };
  const io: ReflectorIo = {
    list: async () => {
      counts.lists++;
      await new Promise((r) => setTimeout(r, rand() * 3));
      return { metadata: { resourceVersion: String(rv) }, items: [...store.values()].map((o) => structuredClone(o)) };
    },
    watch: async (_p, q, onEvent, signal) => {
      const from = Number(q.resourceVersion);
      if (from < oldest) {
        counts.gone++;
        if (rand() < 0.5) throw new KubeApiError(410, 'Expired', `too old resource version: ${from} (${oldest})`);
        onEvent({ type: 'ERROR', object: { code: 410, reason: 'Expired' } as never });
        return;
      }
      for (const h of history) if (h.rv > from) onEvent({ type: h.type, object: h.object });
      await new Promise<void>((resolve) => {
        const w = {
          from,
          on: onEvent,
          end: (gone: boolean) => {
            watchers.delete(w);
            if (gone) {
              counts.gone++;
              onEvent({ type: 'ERROR', object: { code: 410, reason: 'Expired' } as never });
            }
            resolve();
          },
        };
        watchers.add(w);
        signal.addEventListener('abort', () => w.end(false), { once: true });
        // The server ends watches by itself now and then (timeoutSeconds).
        setTimeout(() => w.end(false), 5 + rand() * 30);
      });
    },
  };
  return { io, store, write, compact, counts, rand };
}

describe('watch cache under heavy writes and 410 Gone', () => {
  it('loses no change: the cache and a consumer of its events both end equal to a fresh list', async () => {
    const server = compactingServer(14);
    for (let i = 0; i < 30; i++) server.write();
    // What a browser builds from the event stream alone.
    const seen = new Map<string, string>();
    const r = new Reflector(
      server.io,
      TYPE,
      (e) => {
        if (!('object' in e)) return;
        if (e.type === 'DELETED') seen.delete(e.object.metadata.name);
        else seen.set(e.object.metadata.name, e.object.metadata.resourceVersion!);
      },
      () => {},
    );
    await r.whenFirstSynced();
    const t0 = Date.now();
    while (Date.now() - t0 < 1500) {
      for (let i = 0; i < 5; i++) server.write();
      if (server.rand() < 0.1) server.compact();
      await new Promise((res) => setTimeout(res, 1));
    }
    // Writes stopped: once the cache has caught up, it equals the server's state exactly.
    const fresh = () => new Map([...server.store].map(([k, o]) => [k, o.metadata.resourceVersion!]));
    await until(() => [...fresh()].every(([k, v]) => seen.get(k) === v) && seen.size === server.store.size, 10_000);
    expect(new Map([...r.items.values()].map((o) => [o.metadata.name, o.metadata.resourceVersion]))).toEqual(fresh());
    expect(seen).toEqual(fresh());
    // The run did what it says: many writes, and many watches that ended in 410 Gone and a relist.
    expect(server.counts.writes).toBeGreaterThan(1000);
    expect(server.counts.gone).toBeGreaterThan(5);
    expect(server.counts.lists).toBeGreaterThan(5);
    r.stop();
  });
});
