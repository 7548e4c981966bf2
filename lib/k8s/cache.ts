/**
 * Watch-backed cache of one cluster context: list, then watch from the list's
 * resourceVersion; relist on 410 Gone; reconnect with backoff when the API server
 * goes away. Browser reads are answered from memory. Subscribers (the SSE route)
 * receive every change.
 */
import 'server-only';
import type { KubeConfig } from '@kubernetes/client-node';
import type { ClusterStatus } from '../contracts/api';
import { apiVersionOf, isMeshGroup } from '../istio/kinds';
import { isNewerVersion, objectKey } from '../istio/resources';
import type { K8sObject } from '../istio/types';
import { KubeApiError, UnreachableError } from './errors';
import { kubeRequest, kubeWatch, METADATA_LIST_ACCEPT, METADATA_WATCH_ACCEPT, type WatchEvent } from './request';
import {
  collectionPath,
  CORE_TYPES,
  discoverIstioKinds,
  kindsFromCrds,
  SECRET_FIELD_SELECTOR,
  typeKey,
  typeOf,
  type CrdLike,
  type DiscoveredKind,
  type ResourceType,
} from './discovery';

export type CacheEvent =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; typeKey: string; object: K8sObject }
  | { type: 'STATUS'; status: ClusterStatus }
  | { type: 'KINDS'; kinds: DiscoveredKind[] }
  /** The Secrets the analysis knows of changed (which ones is not said: no Secret leaves the cache). */
  | { type: 'SECRETS' };

/** How a reflector reaches the API server; injectable for tests. */
export interface ReflectorIo {
  list(
    path: string,
    query: Record<string, string | undefined>,
    signal: AbortSignal,
    accept?: string,
  ): Promise<{ kind?: string; metadata: { resourceVersion: string }; items: K8sObject[] }>;
  watch(
    path: string,
    query: Record<string, string | number | boolean | undefined>,
    onEvent: (e: WatchEvent<K8sObject & { code?: number; reason?: string }>) => void,
    signal: AbortSignal,
    accept?: string,
  ): Promise<void>;
}

export function kubeIo(kc: KubeConfig): ReflectorIo {
  return {
    list: (path, query, signal, accept) => kubeRequest(kc, { path, query, timeoutMs: 60_000, signal, accept }),
    watch: (path, query, onEvent, signal, accept) => kubeWatch(kc, path, query, onEvent, signal, accept),
  };
}

/** unreachable: the API server cannot be reached (the whole context is disconnected); error: this type failed. */
type ReflectorState = 'starting' | 'ok' | 'unreachable' | 'error' | 'forbidden' | 'stopped';

const keyOf = (o: K8sObject) => objectKey(o.metadata.namespace, o.metadata.name);

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Retry `attempt` with exponential backoff (0.5 s .. 4 s) until it returns true or the signal aborts. */
export async function withBackoff(signal: AbortSignal, attempt: (failures: number) => Promise<boolean>): Promise<void> {
  let delay = 500;
  let failures = 0;
  while (!signal.aborted) {
    if (await attempt(failures)) {
      delay = 500;
      failures = 0;
      continue;
    }
    failures++;
    await sleep(delay, signal);
    delay = Math.min(delay * 2, 4000);
  }
}

export interface ReflectorOptions {
  namespace?: string;
  fieldSelector?: string;
  /** Emit events for the first list (default true; the cache's own start-up lists are announced too). */
  announceFirstList?: boolean;
  /**
   * Ask for metadata only (PartialObjectMetadata) and keep only name, namespace, uid,
   * resourceVersion and labels: for Secrets, whose data must never be read. An answer
   * that is not metadata only is refused (the type fails), never kept.
   */
  metadataOnly?: boolean;
}

/** What a metadata-only reflector keeps of an object (annotations can hold a whole Secret: last-applied-configuration). */
function metadataOf(o: K8sObject, apiVersion: string, kind: string): K8sObject {
  const m = o.metadata;
  const metadata: K8sObject['metadata'] = { name: m.name, resourceVersion: m.resourceVersion };
  if (m.namespace !== undefined) metadata.namespace = m.namespace;
  if (m.uid !== undefined) metadata.uid = m.uid;
  if (m.labels) metadata.labels = { ...m.labels };
  return { apiVersion, kind, metadata };
}

function notMetadataOnly(what: string, kind: string | undefined): KubeApiError {
  return new KubeApiError(
    502,
    'BadGateway',
    `The Kubernetes API server answered a metadata-only ${what} with ${kind ? `a ${kind}` : 'something else'}; Meshboard does not read these objects any other way.`,
  );
}

export class Reflector {
  readonly items = new Map<string, K8sObject>();
  state: ReflectorState = 'starting';
  lastError = '';
  synced = false;
  /** A list succeeded at least once: `items` is the cluster's (as of the last list or event). */
  listed = false;
  private rv = '';
  private readonly abort = new AbortController();
  private readonly firstSync: Promise<void>;
  private resolveFirst!: () => void;

  constructor(
    private readonly io: ReflectorIo,
    readonly type: ResourceType,
    private readonly emit: (e: CacheEvent) => void,
    private readonly onState: () => void,
    private readonly opts: ReflectorOptions = {},
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
    this.resolveFirst();
  }

  /** Apply an object we just wrote (read-your-writes), if it is newer than what we hold. */
  upsert(o: K8sObject): void {
    const k = keyOf(o);
    const old = this.items.get(k);
    if (old && !isNewerVersion(o.metadata.resourceVersion, old.metadata.resourceVersion)) return;
    this.items.set(k, o);
    this.emit({ type: old ? 'MODIFIED' : 'ADDED', typeKey: this.key, object: o });
  }

  remove(namespace: string | undefined, name: string): void {
    const k = objectKey(namespace, name);
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

  private markSynced(): void {
    if (!this.synced) {
      this.synced = true;
      this.resolveFirst();
    }
  }

  private path(): string {
    return collectionPath(this.type, this.opts.namespace);
  }

  /** List and reconcile: the list is authoritative, the difference is emitted as events. */
  private async list(): Promise<void> {
    const metaOnly = this.opts.metadataOnly === true;
    const list = await this.io.list(this.path(), { fieldSelector: this.opts.fieldSelector }, this.abort.signal, metaOnly ? METADATA_LIST_ACCEPT : undefined);
    if (metaOnly && list.kind !== 'PartialObjectMetadataList') throw notMetadataOnly('list', list.kind);
    const apiVersion = apiVersionOf(this.type.group, this.type.version);
    const announce = this.synced || this.opts.announceFirstList !== false;
    const seen = new Set<string>();
    for (const raw of list.items) {
      // List items omit apiVersion and kind.
      const o = metaOnly ? metadataOf(raw, apiVersion, this.type.kind) : ({ ...raw, apiVersion, kind: this.type.kind } as K8sObject);
      const k = keyOf(o);
      seen.add(k);
      const old = this.items.get(k);
      if (old && old.metadata.resourceVersion === o.metadata.resourceVersion) continue;
      this.items.set(k, o);
      if (announce) this.emit({ type: old ? 'MODIFIED' : 'ADDED', typeKey: this.key, object: o });
    }
    for (const [k, old] of this.items) {
      if (seen.has(k)) continue;
      this.items.delete(k);
      this.emit({ type: 'DELETED', typeKey: this.key, object: old });
    }
    this.rv = list.metadata.resourceVersion;
    this.listed = true;
    this.markSynced();
  }

  private async run(): Promise<void> {
    await withBackoff(this.abort.signal, async (failures) => {
      try {
        if (!this.rv) await this.list();
        this.setState('ok');
        const wa = new AbortController();
        const stopWatch = () => wa.abort();
        this.abort.signal.addEventListener('abort', stopWatch, { once: true });
        let expired = false;
        try {
          await this.io.watch(
            this.path(),
            {
              resourceVersion: this.rv,
              allowWatchBookmarks: true,
              timeoutSeconds: 240 + Math.floor(Math.random() * 60),
              fieldSelector: this.opts.fieldSelector,
            },
            (ev) => {
              if (this.onEvent(ev) === 'expired') {
                expired = true;
                wa.abort();
              }
            },
            wa.signal,
            this.opts.metadataOnly ? METADATA_WATCH_ACCEPT : undefined,
          );
        } finally {
          this.abort.signal.removeEventListener('abort', stopWatch);
        }
        if (expired) this.rv = '';
        return true; // the server ended the watch (timeout) or it expired: go again at once
      } catch (e) {
        if (this.abort.signal.aborted) return true;
        const err = e instanceof KubeApiError ? e : new KubeApiError(500, 'InternalError', (e as Error).message);
        if (err.status === 410) {
          this.rv = '';
          return true;
        }
        if (err.status === 403) {
          this.setState('forbidden', err.message);
          this.markSynced();
          await sleep(30_000, this.abort.signal);
          return true;
        }
        this.setState(err instanceof UnreachableError ? 'unreachable' : 'error', err.message);
        // Relist after reconnecting: the diff against what we hold emits exactly the
        // changes made while we were away, whatever happened to the server meanwhile.
        this.rv = '';
        if (failures >= 3) this.markSynced(); // don't keep readers waiting on a type that keeps failing
        return false;
      }
    });
  }

  /** Apply one watch event; stale events (older than what we hold) change nothing. */
  private onEvent(ev: WatchEvent<K8sObject & { code?: number; reason?: string }>): 'expired' | void {
    const o = ev.object;
    if (ev.type === 'ERROR') {
      if (o?.code === 410 || o?.reason === 'Expired' || o?.reason === 'Gone') return 'expired';
      return;
    }
    if (!o?.metadata) return;
    if (o.metadata.resourceVersion) this.rv = o.metadata.resourceVersion;
    if (ev.type === 'BOOKMARK') return;
    // Thrown out of the watch (it is closed): the type fails and relists, which refuses too.
    if (this.opts.metadataOnly && o.kind !== 'PartialObjectMetadata') throw notMetadataOnly('watch', o.kind);
    const k = keyOf(o);
    const old = this.items.get(k);
    if (ev.type === 'DELETED') {
      if (old) {
        this.items.delete(k);
        this.emit({ type: 'DELETED', typeKey: this.key, object: old });
      }
      return;
    }
    if (old && !isNewerVersion(o.metadata.resourceVersion, old.metadata.resourceVersion)) return;
    const apiVersion = apiVersionOf(this.type.group, this.type.version);
    const obj = this.opts.metadataOnly ? metadataOf(o, apiVersion, this.type.kind) : { ...o, apiVersion, kind: this.type.kind };
    this.items.set(k, obj);
    this.emit({ type: old ? 'MODIFIED' : 'ADDED', typeKey: this.key, object: obj });
  }
}

export const MESH_CONFIG_TYPE: ResourceType = { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true };
export const SECRET_TYPE: ResourceType = { group: '', version: 'v1', kind: 'Secret', plural: 'secrets', namespaced: true };
const CRD_TYPE: ResourceType = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  kind: 'CustomResourceDefinition',
  plural: 'customresourcedefinitions',
  namespaced: false,
};

function sameKinds(a: DiscoveredKind[], b: DiscoveredKind[]): boolean {
  const sig = (ks: DiscoveredKind[]) => JSON.stringify(ks.map((k) => [k.group, k.kind, k.plural, k.namespaced, k.served, k.preferred]));
  return sig(a) === sig(b);
}

export class ClusterCache {
  /** Namespaces, Services, Deployments, Pods: always watched. */
  private readonly core = new Map<string, Reflector>();
  /** One per served Istio kind, at its preferred version; follows the CRDs. */
  private readonly istio = new Map<string, Reflector>();
  private meshConfig: Reflector | null = null;
  private crdReflector: Reflector | null = null;
  /**
   * The Secrets, as metadata only (name, namespace, labels): the analysis needs to know
   * that a gateway's credentialName exists, never what it holds. Kept apart: not in
   * allObjects(), not in the status (a console that may not list Secrets only skips the
   * checks that need them), and their changes go out as one SECRETS event without them.
   */
  private secrets: Reflector | null = null;
  private secretsAnnounced = false;
  private readonly listeners = new Set<(e: CacheEvent) => void>();
  private kinds: DiscoveredKind[] = [];
  private crdsReadable = true;
  private discoveryError: KubeApiError | null = null;
  private status: ClusterStatus;
  private readonly abort = new AbortController();
  private readonly started: Promise<void>;
  private crdTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly io: ReflectorIo;

  /** Bumped on every object change: lets derived views (analysis) know when to recompute. */
  revision = 0;

  constructor(
    kc: KubeConfig,
    readonly context: string,
    readonly rootNamespace = 'istio-system',
    io?: ReflectorIo,
  ) {
    this.io = io ?? kubeIo(kc);
    this.status = { context, connected: false, synced: false, since: new Date().toISOString(), forbidden: [] };
    this.started = this.start(kc);
  }

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

  listenerCount(): number {
    return this.listeners.size;
  }

  private allReflectors(): Reflector[] {
    return [...this.core.values(), ...this.istio.values(), ...(this.meshConfig ? [this.meshConfig] : []), ...(this.crdReflector ? [this.crdReflector] : [])];
  }

  private recomputeStatus = (): void => {
    if (this.abort.signal.aborted) return;
    const rs = this.allReflectors();
    const unreachable = rs.find((r) => r.state === 'unreachable');
    const discoveryDown = this.discoveryError instanceof UnreachableError ? this.discoveryError : null;
    const connected = !unreachable && !discoveryDown && rs.some((r) => r.state === 'ok');
    const synced = !this.discoveryError && rs.every((r) => r.synced);
    const forbidden = rs.filter((r) => r.state === 'forbidden').map((r) => r.key);
    const failing = rs.find((r) => r.state === 'error');
    const message =
      unreachable?.lastError ?? discoveryDown?.message ?? this.discoveryError?.message ?? (failing ? `${failing.key}: ${failing.lastError}` : undefined);
    const s = this.status;
    if (connected !== s.connected || synced !== s.synced || message !== s.message || forbidden.join() !== s.forbidden.join()) {
      this.status = { context: this.context, connected, synced, message, since: connected !== s.connected ? new Date().toISOString() : s.since, forbidden };
      this.emit({ type: 'STATUS', status: this.status });
    }
  };

  private newReflector(t: ResourceType, onEvent: (e: CacheEvent) => void = this.emit, opts?: ReflectorOptions): Reflector {
    return new Reflector(this.io, t, onEvent, this.recomputeStatus, opts);
  }

  /** Coalesce a burst of Secret changes (a list applies many at once) into one SECRETS event. */
  private secretsChanged = (e: CacheEvent): void => {
    if (e.type === 'STATUS' || this.secretsAnnounced) return;
    this.secretsAnnounced = true;
    queueMicrotask(() => {
      this.secretsAnnounced = false;
      if (!this.abort.signal.aborted) this.emit({ type: 'SECRETS' });
    });
  };

  private async start(kc: KubeConfig): Promise<void> {
    for (const t of CORE_TYPES) this.core.set(typeKey(t), this.newReflector(t));
    this.secrets = new Reflector(this.io, SECRET_TYPE, this.secretsChanged, () => this.secretsChanged({ type: 'SECRETS' }), {
      fieldSelector: SECRET_FIELD_SELECTOR,
      metadataOnly: true,
    });
    this.meshConfig = this.newReflector(MESH_CONFIG_TYPE, this.emit, { namespace: this.rootNamespace, fieldSelector: 'metadata.name=istio' });
    let delay = 500;
    while (!this.abort.signal.aborted) {
      try {
        const d = await discoverIstioKinds(kc);
        this.crdsReadable = d.crdsReadable;
        this.discoveryError = null;
        this.setKinds(d.kinds);
        break;
      } catch (e) {
        this.discoveryError = e instanceof KubeApiError ? e : new KubeApiError(500, 'InternalError', (e as Error).message);
        this.recomputeStatus();
        await sleep(delay, this.abort.signal);
        delay = Math.min(delay * 2, 4000);
      }
    }
    this.followCrds();
    await Promise.all([...this.allReflectors(), ...(this.secrets ? [this.secrets] : [])].map((r) => r.whenFirstSynced()));
    // CRDs that changed between discovery and the CRD reflector's first list.
    if (this.crdReflector?.synced && this.crdReflector.state === 'ok') this.setKinds(kindsFromCrds(this.istioCrds()));
    await Promise.all([...this.istio.values()].map((r) => r.whenFirstSynced()));
    this.recomputeStatus();
  }

  /** Resolves when the first list of every type is done (or failed for good). */
  async ready(timeoutMs = 15_000): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([this.started, new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)))]);
    if (timer) clearTimeout(timer);
  }

  private scheduleKindsFromCrds(): void {
    if (this.crdTimer) clearTimeout(this.crdTimer);
    this.crdTimer = setTimeout(() => {
      this.crdTimer = null;
      if (this.abort.signal.aborted) return;
      this.setKinds(kindsFromCrds(this.istioCrds()));
    }, 200);
  }

  private setKinds(kinds: DiscoveredKind[]): void {
    if (this.abort.signal.aborted) return;
    const changed = !sameKinds(kinds, this.kinds);
    const wanted = new Map(kinds.map((k) => [typeKey(k), k]));
    for (const [key, r] of this.istio) {
      const k = wanted.get(key);
      if (k && k.preferred === r.type.version) continue;
      r.stop();
      this.istio.delete(key);
      // A kind that went away takes its objects with it. A kind whose preferred version
      // changed keeps them: the new reflector's first list announces them again.
      if (!k) for (const o of r.items.values()) this.emit({ type: 'DELETED', typeKey: key, object: o });
    }
    for (const [key, k] of wanted) if (!this.istio.has(key)) this.istio.set(key, this.newReflector(typeOf(k)));
    this.kinds = kinds;
    if (changed) this.emit({ type: 'KINDS', kinds });
    this.recomputeStatus();
  }

  getStatus(): ClusterStatus {
    return this.status;
  }

  getKinds(): DiscoveredKind[] {
    return this.kinds;
  }

  /** The mesh CRDs (Istio's and the Gateway API's) as the cluster serves them (empty when they are not readable). */
  istioCrds(): CrdLike[] {
    return ([...(this.crdReflector?.items.values() ?? [])] as unknown as CrdLike[]).filter((c) => isMeshGroup(c.spec?.group ?? ''));
  }

  /** Changes whenever an Istio CRD changes (for schema caches). */
  istioCrdsVersion(): string {
    return this.istioCrds()
      .map((c) => `${c.metadata.name}@${c.metadata.resourceVersion ?? ''}`)
      .sort()
      .join(',');
  }

  private reflectorFor(key: string): Reflector | undefined {
    return this.core.get(key) ?? this.istio.get(key);
  }

  /** Objects of a type (by type key), optionally in some namespaces. */
  list(key: string, namespaces?: readonly string[]): K8sObject[] {
    const r = this.reflectorFor(key);
    if (!r) return [];
    const all = [...r.items.values()];
    if (!namespaces?.length) return all;
    const set = new Set(namespaces);
    return all.filter((o) => set.has(o.metadata.namespace ?? ''));
  }

  get(key: string, namespace: string | undefined, name: string): K8sObject | undefined {
    return this.reflectorFor(key)?.items.get(objectKey(namespace, name));
  }

  isForbidden(key: string): boolean {
    return this.reflectorFor(key)?.state === 'forbidden';
  }

  /** Everything the mesh is made of: core kinds plus every Istio kind. */
  allObjects(namespaces?: readonly string[]): K8sObject[] {
    const out: K8sObject[] = [];
    for (const r of [...this.core.values(), ...this.istio.values()]) {
      for (const o of r.items.values()) {
        if (!namespaces?.length || o.kind === 'Namespace' || namespaces.includes(o.metadata.namespace ?? '')) out.push(o);
      }
    }
    return out;
  }

  /** The Secrets as metadata only (see `secrets`), for the analysis: never for a browser. */
  secretNames(): K8sObject[] {
    return [...(this.secrets?.items.values() ?? [])];
  }

  /** Whether secretNames() is the cluster's list: not before a first list, nor while they may not be listed. */
  secretsReadable(): boolean {
    return !!this.secrets?.listed && this.secrets.state !== 'forbidden';
  }

  meshConfigMap(): K8sObject | undefined {
    return this.meshConfig ? [...this.meshConfig.items.values()][0] : undefined;
  }

  /** Reflect our own successful write at once (the watch confirms it shortly). */
  noteWrite(key: string, o: K8sObject): void {
    this.reflectorFor(key)?.upsert(o);
  }

  noteDelete(key: string, namespace: string | undefined, name: string): void {
    this.reflectorFor(key)?.remove(namespace, name);
  }

  stop(): void {
    this.abort.abort();
    if (this.crdTimer) clearTimeout(this.crdTimer);
    for (const r of this.allReflectors()) r.stop();
    this.secrets?.stop();
    this.listeners.clear();
  }

  /** Called once discovery succeeded: follow the CRDs from then on. */
  private followCrds(): void {
    if (!this.crdsReadable || this.crdReflector || this.abort.signal.aborted) return;
    this.crdReflector = this.newReflector(
      CRD_TYPE,
      (e) => {
        if (e.type === 'ADDED' || e.type === 'MODIFIED' || e.type === 'DELETED') {
          const c = e.object as unknown as CrdLike;
          if (isMeshGroup(c.spec?.group ?? '')) this.scheduleKindsFromCrds();
        }
      },
      { announceFirstList: false },
    );
  }
}
