/**
 * Watch-backed cache of one cluster context: list, then watch from the list's
 * resourceVersion; relist on 410 Gone; reconnect with backoff when the API server
 * goes away. Browser reads are answered from memory. Subscribers (the SSE route)
 * receive every change.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { K8sObject } from '../istio/types';
import { KubeApiError } from './errors';
import { kubeRequest, kubeWatch, type WatchEvent } from './request';
import { collectionPath, CORE_TYPES, discoverIstioKinds, kindsFromCrds, typeKey, typeOf, type CrdLike, type DiscoveredKind, type ResourceType } from './discovery';

export type CacheEvent =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; typeKey: string; object: K8sObject }
  | { type: 'STATUS'; status: CacheStatus }
  | { type: 'KINDS'; kinds: DiscoveredKind[] };

export interface CacheStatus {
  context: string;
  connected: boolean;
  synced: boolean;
  message?: string;
  since: string;
  /** Types the user may not list (RBAC), by type key. */
  forbidden: string[];
}

type ReflectorState = 'starting' | 'ok' | 'error' | 'forbidden' | 'stopped';

function objKey(o: K8sObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

function rvNewer(a: string | undefined, b: string | undefined): boolean {
  // resourceVersions are opaque, but etcd-backed servers use increasing integers.
  if (!a || !b) return true;
  const x = Number(a);
  const y = Number(b);
  if (Number.isFinite(x) && Number.isFinite(y)) return x >= y;
  return a !== b;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });

class Reflector {
  readonly items = new Map<string, K8sObject>();
  state: ReflectorState = 'starting';
  lastError = '';
  synced = false;
  private rv = '';
  private readonly abort = new AbortController();
  private watchAbort: AbortController | null = null;
  private firstSync: Promise<void>;
  private resolveFirst!: () => void;

  constructor(
    private readonly kc: KubeConfig,
    readonly type: ResourceType,
    private readonly emit: (e: CacheEvent) => void,
    private readonly onState: () => void,
    private readonly opts: { namespace?: string; fieldSelector?: string } = {},
  ) {
    this.firstSync = new Promise((r) => (this.resolveFirst = r));
    void this.run();
  }

  get key(): string {
    return typeKey(this.type);
  }

  whenFirstSynced(): Promise<void> {
    return this.firstSync;
  }

  stop(): void {
    this.state = 'stopped';
    this.abort.abort();
    this.watchAbort?.abort();
    this.resolveFirst();
  }

  /** Apply an object we just wrote (read-your-writes), if it is newer than what we hold. */
  upsert(o: K8sObject): void {
    const k = objKey(o);
    const old = this.items.get(k);
    if (old && !rvNewer(o.metadata.resourceVersion, old.metadata.resourceVersion)) return;
    if (old && old.metadata.resourceVersion === o.metadata.resourceVersion) return;
    this.items.set(k, o);
    this.emit({ type: old ? 'MODIFIED' : 'ADDED', typeKey: this.key, object: o });
  }

  remove(namespace: string | undefined, name: string): void {
    const k = `${namespace ?? ''}/${name}`;
    const old = this.items.get(k);
    if (!old) return;
    this.items.delete(k);
    this.emit({ type: 'DELETED', typeKey: this.key, object: old });
  }

  private setState(s: ReflectorState, err = ''): void {
    if (this.state === 'stopped') return;
    const changed = this.state !== s || this.lastError !== err;
    this.state = s;
    this.lastError = err;
    if (changed) this.onState();
  }

  private path(): string {
    return collectionPath(this.type, this.opts.namespace);
  }

  private async list(): Promise<void> {
    const list = await kubeRequest<{ metadata: { resourceVersion: string }; items: K8sObject[] }>(this.kc, {
      path: this.path(),
      query: { fieldSelector: this.opts.fieldSelector, resourceVersion: undefined },
      timeoutMs: 60_000,
      signal: this.abort.signal,
    });
    const apiVersion = this.type.group ? `${this.type.group}/${this.type.version}` : this.type.version;
    const seen = new Set<string>();
    for (const raw of list.items) {
      const o = { ...raw, apiVersion, kind: this.type.kind } as K8sObject; // list items omit these
      const k = objKey(o);
      seen.add(k);
      const old = this.items.get(k);
      if (!old) {
        this.items.set(k, o);
        if (this.synced) this.emit({ type: 'ADDED', typeKey: this.key, object: o });
      } else if (old.metadata.resourceVersion !== o.metadata.resourceVersion) {
        this.items.set(k, o);
        this.emit({ type: 'MODIFIED', typeKey: this.key, object: o });
      }
    }
    for (const [k, old] of this.items) {
      if (!seen.has(k)) {
        this.items.delete(k);
        this.emit({ type: 'DELETED', typeKey: this.key, object: old });
      }
    }
    this.rv = list.metadata.resourceVersion;
    if (!this.synced) {
      this.synced = true;
      this.resolveFirst();
    }
  }

  private async run(): Promise<void> {
    let backoff = 500;
    while (!this.abort.signal.aborted) {
      try {
        if (!this.rv) await this.list();
        this.setState('ok');
        backoff = 500;
        const wa = new AbortController();
        this.watchAbort = wa;
        let expired = false;
        await kubeWatch<K8sObject & { code?: number; reason?: string }>(
          this.kc,
          this.path(),
          { resourceVersion: this.rv, allowWatchBookmarks: true, timeoutSeconds: 240 + Math.floor(Math.random() * 60), fieldSelector: this.opts.fieldSelector },
          (ev) => this.onEvent(ev, () => {
            expired = true;
            wa.abort();
          }),
          wa.signal,
        );
        if (expired) this.rv = '';
      } catch (e) {
        if (this.abort.signal.aborted) break;
        const err = e instanceof KubeApiError ? e : new KubeApiError(500, 'InternalError', (e as Error).message);
        if (err.status === 410) {
          this.rv = '';
          continue;
        }
        if (err.status === 403) {
          this.setState('forbidden', err.message);
          this.synced = true;
          this.resolveFirst();
          await sleep(30_000, this.abort.signal);
          continue;
        }
        this.setState('error', err.message);
        // Relist after reconnecting: the diff against what we hold emits exactly the
        // changes made while we were away, whatever happened to the server meanwhile.
        this.rv = '';
        await sleep(backoff, this.abort.signal);
        backoff = Math.min(backoff * 2, 4000);
        if (!this.synced && backoff >= 4000) this.resolveFirst(); // don't block readers forever
      }
    }
  }

  private onEvent(ev: WatchEvent<K8sObject & { code?: number; reason?: string }>, expire: () => void): void {
    const o = ev.object;
    if (ev.type === 'ERROR') {
      if (o?.code === 410 || o?.reason === 'Expired' || o?.reason === 'Gone') expire();
      return;
    }
    if (ev.type === 'BOOKMARK') {
      if (o?.metadata?.resourceVersion) this.rv = o.metadata.resourceVersion;
      return;
    }
    if (!o?.metadata) return;
    this.rv = o.metadata.resourceVersion ?? this.rv;
    const k = objKey(o);
    if (ev.type === 'DELETED') {
      if (this.items.delete(k)) this.emit({ type: 'DELETED', typeKey: this.key, object: o });
      return;
    }
    const old = this.items.get(k);
    if (old && old.metadata.resourceVersion === o.metadata.resourceVersion) return;
    this.items.set(k, o);
    this.emit({ type: old ? 'MODIFIED' : 'ADDED', typeKey: this.key, object: o });
  }
}

export const MESH_CONFIG_TYPE: ResourceType = { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true };

export class ClusterCache {
  private readonly reflectors = new Map<string, Reflector>();
  private readonly listeners = new Set<(e: CacheEvent) => void>();
  private kinds: DiscoveredKind[] = [];
  private crdsReadable = true;
  private status: CacheStatus;
  private readonly abort = new AbortController();
  private started: Promise<void>;
  private crdReflector: Reflector | null = null;

  constructor(private readonly kc: KubeConfig, readonly context: string, readonly rootNamespace = 'istio-system') {
    this.status = { context, connected: false, synced: false, since: new Date().toISOString(), forbidden: [] };
    this.started = this.start();
  }

  /** Bumped on every object change: lets derived views (analysis) know when to recompute. */
  revision = 0;

  private emit = (e: CacheEvent): void => {
    if (e.type !== 'STATUS') this.revision++;
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        /* a broken listener must not stop the cache */
      }
    }
  };

  subscribe(listener: (e: CacheEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private recomputeStatus = (): void => {
    const rs = [...this.reflectors.values()];
    const failing = rs.find((r) => r.state === 'error');
    const connected = !failing && rs.length > 0;
    const synced = rs.every((r) => r.synced);
    const forbidden = rs.filter((r) => r.state === 'forbidden').map((r) => r.key);
    const message = failing ? failing.lastError : undefined;
    if (connected !== this.status.connected || synced !== this.status.synced || message !== this.status.message || forbidden.join() !== this.status.forbidden.join()) {
      this.status = { context: this.context, connected, synced, message, since: connected !== this.status.connected ? new Date().toISOString() : this.status.since, forbidden };
      this.emit({ type: 'STATUS', status: this.status });
    }
  };

  private async start(): Promise<void> {
    for (const t of CORE_TYPES) this.addReflector(t);
    this.addReflector(MESH_CONFIG_TYPE, { namespace: this.rootNamespace, fieldSelector: 'metadata.name=istio' }, 'mesh-config');
    let backoff = 500;
    while (!this.abort.signal.aborted) {
      try {
        const d = await discoverIstioKinds(this.kc);
        this.crdsReadable = d.crdsReadable;
        this.setKinds(d.kinds);
        break;
      } catch (e) {
        this.status = { ...this.status, connected: false, message: (e as Error).message };
        this.emit({ type: 'STATUS', status: this.status });
        await sleep(backoff, this.abort.signal);
        backoff = Math.min(backoff * 2, 4000);
      }
    }
    if (this.crdsReadable && !this.abort.signal.aborted) {
      // Follow CRD changes: new kinds appear, removed ones go, schemas stay current.
      this.crdReflector = new Reflector(this.kc, { group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition', plural: 'customresourcedefinitions', namespaced: false }, (e) => {
        if (e.type === 'ADDED' || e.type === 'MODIFIED' || e.type === 'DELETED') this.onCrdChange();
      }, this.recomputeStatus);
    }
    await Promise.all([...this.reflectors.values()].map((r) => r.whenFirstSynced()));
    this.recomputeStatus();
  }

  private crdTimer: ReturnType<typeof setTimeout> | null = null;
  private onCrdChange(): void {
    if (this.crdTimer) clearTimeout(this.crdTimer);
    this.crdTimer = setTimeout(() => {
      const crds = [...(this.crdReflector?.items.values() ?? [])] as unknown as CrdLike[];
      this.setKinds(kindsFromCrds(crds));
    }, 200);
  }

  private setKinds(kinds: DiscoveredKind[]): void {
    const wanted = new Map(kinds.map((k) => [typeKey(k), k]));
    // Stop reflectors of kinds that went away or changed preferred version.
    for (const [key, r] of this.reflectors) {
      if (r.type.group === '' || r.type.group === 'apps' || key === 'mesh-config') continue;
      const k = wanted.get(key);
      if (!k || k.preferred !== r.type.version) {
        r.stop();
        this.reflectors.delete(key);
        for (const o of r.items.values()) this.emit({ type: 'DELETED', typeKey: key, object: o });
      }
    }
    for (const [key, k] of wanted) if (!this.reflectors.has(key)) this.addReflector(typeOf(k));
    this.kinds = kinds;
    this.emit({ type: 'KINDS', kinds });
    this.recomputeStatus();
  }

  private addReflector(t: ResourceType, opts?: { namespace?: string; fieldSelector?: string }, key?: string): void {
    const r = new Reflector(this.kc, t, this.emit, this.recomputeStatus, opts);
    this.reflectors.set(key ?? typeKey(t), r);
  }

  /** Resolves when the first list of every type is done (or failed for good). */
  async ready(timeoutMs = 15_000): Promise<void> {
    await Promise.race([this.started, new Promise((r) => setTimeout(r, timeoutMs))]);
  }

  getStatus(): CacheStatus {
    return this.status;
  }

  getKinds(): DiscoveredKind[] {
    return this.kinds;
  }

  canReadCrds(): boolean {
    return this.crdsReadable;
  }

  /** The Istio CRDs as the cluster serves them (empty when they are not readable). */
  istioCrds(): CrdLike[] {
    return ([...(this.crdReflector?.items.values() ?? [])] as unknown as CrdLike[]).filter((c) => c.spec?.group?.endsWith('.istio.io'));
  }

  /** Objects of a type (by type key), optionally in some namespaces. */
  list(key: string, namespaces?: readonly string[]): K8sObject[] {
    const r = this.reflectors.get(key);
    if (!r) return [];
    const all = [...r.items.values()];
    if (!namespaces?.length) return all;
    const set = new Set(namespaces);
    return all.filter((o) => set.has(o.metadata.namespace ?? ''));
  }

  get(key: string, namespace: string | undefined, name: string): K8sObject | undefined {
    return this.reflectors.get(key)?.items.get(`${namespace ?? ''}/${name}`);
  }

  has(key: string): boolean {
    return this.reflectors.has(key);
  }

  isForbidden(key: string): boolean {
    return this.reflectors.get(key)?.state === 'forbidden';
  }

  /** Everything the mesh is made of: core kinds plus every Istio kind. */
  allObjects(namespaces?: readonly string[]): K8sObject[] {
    const out: K8sObject[] = [];
    for (const [key, r] of this.reflectors) {
      if (key === 'mesh-config') continue;
      for (const o of r.items.values()) {
        if (!namespaces?.length || o.kind === 'Namespace' || namespaces.includes(o.metadata.namespace ?? '')) out.push(o);
      }
    }
    return out;
  }

  meshConfigMap(): K8sObject | undefined {
    const r = this.reflectors.get('mesh-config');
    return r ? [...r.items.values()][0] : undefined;
  }

  /** Reflect our own successful write at once (the watch confirms it shortly). */
  noteWrite(key: string, o: K8sObject): void {
    this.reflectors.get(key)?.upsert(o);
  }

  noteDelete(key: string, namespace: string | undefined, name: string): void {
    this.reflectors.get(key)?.remove(namespace, name);
  }

  stop(): void {
    this.abort.abort();
    this.crdReflector?.stop();
    for (const r of this.reflectors.values()) r.stop();
    this.listeners.clear();
  }
}
