import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../istio/types';
import { Reflector, type CacheEvent, type ReflectorIo } from './cache';
import { KubeApiError, UnreachableError, fromStatus } from './errors';
import { kindsFromCrds, type CrdLike } from './discovery';

const vs = (name: string, rv: string): K8sObject => ({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name, namespace: 'd', resourceVersion: rv } });
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
    const r = new Reflector(io, TYPE, (e) => events.push(e), () => {});
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
    const r = new Reflector(io, TYPE, (e) => e.type !== 'STATUS' && e.type !== 'KINDS' && events.push(`${e.type}:${e.object.metadata.name}`), () => {});
    await until(() => calls.length >= 4);
    expect(calls.slice(0, 4)).toEqual(['list', 'watch@10', 'list', 'watch@30']);
    expect(events).toEqual(['ADDED:a', 'ADDED:b', 'MODIFIED:a', 'ADDED:c', 'DELETED:b']);
    expect(r.state).toBe('ok');
    r.stop();
  });

  it('reports an unreachable server, then recovers by relisting', async () => {
    const states: string[] = [];
    const { io } = scripted([
      { list: new UnreachableError('https://127.0.0.1:1', 'ECONNREFUSED') },
      { list: { rv: '3', items: [vs('a', '1')] } },
    ]);
    const r: Reflector = new Reflector(io, TYPE, () => {}, () => states.push(r.state));
    await until(() => r.state === 'ok');
    expect(states).toEqual(['unreachable', 'ok']);
    expect(r.lastError).toBe('');
    r.stop();
  });

  it('marks a type the user may not list as forbidden without blocking readers', async () => {
    const { io } = scripted([{ list: new KubeApiError(403, 'Forbidden', 'no') }]);
    const r = new Reflector(io, TYPE, () => {}, () => {});
    await r.whenFirstSynced();
    expect(r.state).toBe('forbidden');
    r.stop();
  });
});

describe('errors and discovery', () => {
  it('keeps the meaning of a Kubernetes Status', () => {
    const e = fromStatus(422, JSON.stringify({ kind: 'Status', code: 422, reason: 'Invalid', message: 'bad', details: { name: 'x', causes: [{ field: 'spec.x', message: 'y' }] } }));
    expect(e.toBody()).toEqual({ status: 422, reason: 'Invalid', message: 'bad', causes: [{ field: 'spec.x', message: 'y' }], details: { name: 'x' } });
    expect(fromStatus(502, '<html>gateway</html>').toBody()).toMatchObject({ status: 502, message: '<html>gateway</html>' });
  });
  it('takes served versions and the preferred one from CRDs, skipping ones not established', () => {
    const crd = (name: string, established: string, versions: Array<[string, boolean]>): CrdLike => ({
      metadata: { name },
      status: { conditions: [{ type: 'Established', status: established }] },
      spec: { group: 'networking.istio.io', scope: 'Namespaced', names: { kind: name, plural: name.toLowerCase() + 's' }, versions: versions.map(([n, served]) => ({ name: n, served, storage: n === 'v1' })) },
    });
    const kinds = kindsFromCrds([crd('Gateway', 'True', [['v1alpha3', true], ['v1', true], ['v1beta1', false]]), crd('Sidecar', 'False', [['v1', true]])]);
    expect(kinds.map((k) => [k.kind, k.served, k.preferred])).toEqual([['Gateway', ['v1alpha3', 'v1'], 'v1']]);
  });
});
