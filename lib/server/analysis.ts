/**
 * The validation engine over a context's cache: the whole mesh (recomputed only when
 * something changed, and as soon as something changed once anyone asked), or one edited
 * resource in the context of everything else (the editor's markers, before apply).
 *
 * Off the request path: the analysis runs in a worker thread (analysis-worker.ts, built
 * to dist/cli/analysis-worker.mjs) that keeps its own copy of the objects; each request
 * sends only what changed since the last one (compared by object identity: the cache
 * replaces an object when it changes). Without the worker build (or when the worker
 * fails) it runs in-process, as before, and says so once in the server log.
 */
import 'server-only';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { parseResourceName, type Finding } from '../istio/findings';
import { parseTypeKey } from '../istio/address';
import { unreadKindOf } from '../istio/kinds';
import { resourceId } from '../istio/resources';
import type { K8sObject } from '../istio/types';
import { analyzeMesh, findingsForObject } from './analysis-core';
import type { WorkerReply, WorkerRequest, WorkerSync } from './analysis-protocol';
import type { ClusterCache } from '../k8s/cache';
import { baseCache, rulesOf } from '../k8s/scoped';

export interface ClusterFindings {
  revision: number;
  findings: Finding[];
  ms: number;
}

interface Pending {
  resolve: (r: { findings: Finding[]; ms: number }) => void;
  reject: (e: Error) => void;
}

interface State {
  worker?: Worker;
  /** What the worker holds: id -> the object last sent. */
  sent: Map<string, K8sObject>;
  sentMeshConfig?: K8sObject | null;
  sentCrdsVersion?: string;
  sentForbidden?: string;
  pending: Map<number, Pending>;
  memo?: ClusterFindings;
  inflight?: { revision: number; promise: Promise<ClusterFindings> };
  /** CRDs for in-process runs, kept per version so their schemas are built once. */
  crds?: { version: string; list: unknown[] };
  following?: boolean;
}

const states = new WeakMap<ClusterCache, State>();
let nextId = 1;
let workerBroken = false;

/** Where the worker build is (MESHBOARD_ANALYSIS_WORKER overrides; Next.js runs from the repository). */
function workerFile(): string {
  return process.env.MESHBOARD_ANALYSIS_WORKER || path.join(/* turbopackIgnore: true */ process.cwd(), 'dist', 'cli', 'analysis-worker.mjs');
}

/**
 * A worker thread for a file known only at run time. Constructed indirectly: the bundler
 * must not take `new Worker(path)` for a module of the app to bundle (it is built by
 * lib/cli/build.mjs, outside Next.js).
 */
function spawnWorker(file: string): Worker {
  return Reflect.construct(Worker, [file]) as Worker;
}

function stateOf(cache: ClusterCache): State {
  let st = states.get(cache);
  if (!st) states.set(cache, (st = { sent: new Map(), pending: new Map() }));
  return st;
}

function inProcessOnly(reason: string): void {
  if (!workerBroken) console.error(`meshboard: analysis runs on the server's main thread (${reason})`);
  workerBroken = true;
}

function startWorker(st: State): Worker | undefined {
  if (st.worker) return st.worker;
  if (workerBroken) return undefined;
  const file = workerFile();
  if (!existsSync(/* turbopackIgnore: true */ file)) {
    inProcessOnly(`no worker build at ${file}; run node lib/cli/build.mjs`);
    return undefined;
  }
  const w = spawnWorker(file);
  w.unref();
  // A new worker holds nothing yet.
  st.sent = new Map();
  st.sentMeshConfig = undefined;
  st.sentCrdsVersion = undefined;
  w.on('message', (r: WorkerReply) => {
    const p = st.pending.get(r.id);
    if (!p) return;
    st.pending.delete(r.id);
    if ('error' in r) p.reject(new Error(`analysis failed: ${r.error}`));
    else p.resolve(r);
  });
  const fail = (e: Error) => {
    if (st.worker === w) st.worker = undefined;
    for (const p of st.pending.values()) p.reject(e);
    st.pending.clear();
    inProcessOnly(`the worker stopped: ${e.message}`);
  };
  w.on('error', fail);
  w.on('exit', (code) => fail(new Error(`exit code ${code}`)));
  st.worker = w;
  return w;
}

/** What changed in the cache since the worker last heard from us. */
function syncOf(st: State, cache: ClusterCache): WorkerSync {
  const now = new Map<string, K8sObject>();
  const upserts: Array<[string, K8sObject]> = [];
  for (const o of objectsOf(cache)) {
    const id = resourceId(o);
    now.set(id, o);
    if (st.sent.get(id) !== o) upserts.push([id, o]);
  }
  const deletes: string[] = [];
  for (const id of st.sent.keys()) if (!now.has(id)) deletes.push(id);
  st.sent = now;
  const sync: WorkerSync = { upserts, deletes };
  const cm = cache.meshConfigMap() ?? null;
  if (cm !== st.sentMeshConfig) sync.meshConfigMap = st.sentMeshConfig = cm;
  const version = cache.istioCrdsVersion();
  if (version !== st.sentCrdsVersion) {
    sync.crds = cache.istioCrds();
    st.sentCrdsVersion = version;
  }
  const forbidden = forbiddenKinds(cache);
  if (forbidden.join() !== st.sentForbidden) {
    sync.forbidden = forbidden;
    st.sentForbidden = forbidden.join();
  }
  return sync;
}

/** What the analysis reads: the mesh, and the Secrets as metadata only (whether a credentialName exists). */
function objectsOf(cache: ClusterCache): K8sObject[] {
  const objects = cache.allObjects();
  for (const s of cache.secretNames()) objects.push(s);
  return objects;
}

/**
 * Kinds the cache may not list (RBAC), as AnalyzeOptions.unreadKinds spells them:
 * analyzers that need them are skipped. Secrets too, until they are listed (or when
 * they may not be), so that no credentialName reads as missing for want of a list.
 */
function forbiddenKinds(cache: ClusterCache): string[] {
  const out: string[] = [];
  for (const key of cache.getStatus().forbidden) {
    const k = unreadKindOf(parseTypeKey(key));
    if (k) out.push(k);
  }
  if (!cache.secretsReadable()) out.push('Secret');
  return out;
}

function crdsOf(st: State, cache: ClusterCache): unknown[] {
  const version = cache.istioCrdsVersion();
  if (st.crds?.version !== version) st.crds = { version, list: cache.istioCrds() };
  return st.crds.list;
}

function inWorker(st: State, cache: ClusterCache, edit?: K8sObject): Promise<{ findings: Finding[]; ms: number }> | undefined {
  const w = startWorker(st);
  if (!w) return undefined;
  const id = nextId++;
  const req: WorkerRequest = { id, sync: syncOf(st, cache), edit };
  return new Promise((resolve, reject) => {
    st.pending.set(id, { resolve, reject });
    w.postMessage(req);
  });
}

async function run(st: State, cache: ClusterCache, edit?: K8sObject): Promise<{ findings: Finding[]; ms: number }> {
  const viaWorker = inWorker(st, cache, edit);
  if (viaWorker) {
    try {
      return await viaWorker;
    } catch (e) {
      if (!workerBroken) throw e; // the analysis itself failed
    }
  }
  const t0 = performance.now();
  const objects = objectsOf(cache);
  const cm = cache.meshConfigMap();
  const forbidden = forbiddenKinds(cache);
  const findings = edit ? findingsForObject(objects, edit, cm, crdsOf(st, cache), forbidden) : analyzeMesh(objects, cm, crdsOf(st, cache), forbidden);
  return { findings, ms: Math.round(performance.now() - t0) };
}

/** Re-analyze shortly after every change, so that an answer is ready before it is asked for. */
function follow(st: State, cache: ClusterCache): void {
  if (st.following) return;
  st.following = true;
  let timer: ReturnType<typeof setTimeout> | undefined;
  cache.subscribe((e) => {
    if (e.type === 'STATUS' || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      unscopedFindings(cache).catch(() => {
        /* reported to whoever asks next */
      });
    }, 50);
    timer.unref?.();
  });
}

/** Findings over the whole context, for the cache's current revision. */
export async function clusterFindings(view: ClusterCache): Promise<ClusterFindings> {
  // One analysis of the shared cache serves everyone; a person sees the findings about
  // the resources they may read.
  const rules = rulesOf(view);
  const all = await unscopedFindings(baseCache(view));
  if (!rules) return all;
  return {
    ...all,
    findings: all.findings.filter((f) => {
      const r = parseResourceName(f.resource);
      return !!r && rules.canSeeKind(r.kind, r.namespace, r.name);
    }),
  };
}

function unscopedFindings(cache: ClusterCache): Promise<ClusterFindings> {
  const st = stateOf(cache);
  follow(st, cache);
  const revision = cache.revision;
  if (st.memo?.revision === revision) return Promise.resolve(st.memo);
  if (st.inflight?.revision === revision) return st.inflight.promise;
  const promise = run(st, cache).then(({ findings, ms }) => {
    const m = { revision, findings, ms };
    if (!st.memo || st.memo.revision <= revision) st.memo = m;
    return m;
  });
  st.inflight = { revision, promise };
  promise
    .finally(() => {
      if (st.inflight?.promise === promise) st.inflight = undefined;
    })
    .catch(() => {});
  return promise;
}

/** Findings about `obj` if it replaced its live version (or were created). */
export async function findingsForEdit(view: ClusterCache, obj: K8sObject): Promise<Finding[]> {
  const cache = baseCache(view);
  return (await run(stateOf(cache), cache, obj)).findings;
}
