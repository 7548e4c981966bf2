/**
 * Change proposals: ChangeProposal objects (meshboard.io/v1alpha1) in the cluster of a
 * context, so every teammate on that cluster sees the same ones. Create, add changes,
 * list, read with its review (resource diffs, graph diff, impact on findings and
 * decisions, staleness, a server-side dry run of every write), comment, review, rebase,
 * apply (in order, each with its base resourceVersion: a moved base is a 409, never an
 * overwrite) and export for GitOps. Server-only.
 */
import 'server-only';
import { meshConfigFromConfigMap } from '../istio/meshconfig';
import { parseApiVersion } from '../istio/kinds';
import {
  applyChanges,
  changeId,
  changeResource,
  exportFiles,
  exportKustomize,
  exportUnifiedDiff,
  graphDiffSvg,
  isOpen,
  makeChange,
  newProposal,
  PROPOSAL_GROUP,
  PROPOSAL_PLURAL,
  PROPOSAL_VERSION,
  ProposalError,
  rebaseChange,
  reviewChange,
  specOf,
  staleChanges,
  stateAfterReviews,
  upsertChange,
  writesOf,
  type ChangeProposal,
  type ProposalChange,
  type ProposalSpec,
  type WriteResult,
} from '../istio/review';
import { resourceId } from '../istio/resources';
import type { K8sObject } from '../istio/types';
import type { ApplyResponse, ChangeInput, ExportFormat, ExportResponse, ProposalResponse, ProposalSummary, RebaseResponse } from '../contracts/proposals';
import type { ClusterCache } from '../k8s/cache';
import { CORE_TYPES } from '../k8s/discovery';
import { KubeApiError } from '../k8s/errors';
import { kubeConfigFor } from '../k8s/kubeconfig';
import { getClusterCache } from '../k8s/caches';
import { kubeRequest } from '../k8s/request';
import { checkAccess, createResource, deleteResource, getResource, replaceResource, resolveType, type ResolvedType } from '../k8s/resources';
import { whoami } from './whoami';

const COLLECTION = `/apis/${PROPOSAL_GROUP}/${PROPOSAL_VERSION}/${PROPOSAL_PLURAL}`;
const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export { ProposalError };

function crdMissing(e: unknown): never {
  if (e instanceof KubeApiError && e.status === 404 && !/changeproposals\.meshboard\.io "/.test(e.message)) {
    throw new KubeApiError(
      404,
      'NotFound',
      `This cluster has no ChangeProposal CRD (${PROPOSAL_PLURAL}.${PROPOSAL_GROUP}): install it with kubectl apply -f deploy/changeproposal-crd.yaml`,
    );
  }
  throw e;
}

async function cacheOf(context: string | undefined): Promise<ClusterCache> {
  const cache = getClusterCache(context);
  await cache.ready();
  return cache;
}

async function readProposal(context: string | undefined, name: string): Promise<ChangeProposal> {
  if (!NAME.test(name)) throw new ProposalError(400, `Invalid proposal name ${JSON.stringify(name)}`);
  const { kc } = kubeConfigFor(context);
  try {
    const p = await kubeRequest<ChangeProposal>(kc, { path: `${COLLECTION}/${name}` });
    return { ...p, spec: specOf(p) };
  } catch (e) {
    if (e instanceof KubeApiError && e.status === 404 && /changeproposals\.meshboard\.io "/.test(e.message))
      throw new ProposalError(404, `Proposal ${name} not found`);
    return crdMissing(e);
  }
}

/** Read-modify-write with the proposal's resourceVersion; retried when a teammate wrote in between. */
async function updateProposal(context: string | undefined, name: string, fn: (spec: ProposalSpec) => void | Promise<void>): Promise<ChangeProposal> {
  const { kc } = kubeConfigFor(context);
  for (let attempt = 0; ; attempt++) {
    const p = await readProposal(context, name);
    const spec = structuredClone(p.spec);
    await fn(spec);
    spec.updatedAt = new Date().toISOString();
    spec.changeCount = spec.changes.length;
    try {
      return await kubeRequest<ChangeProposal>(kc, { method: 'PUT', path: `${COLLECTION}/${name}`, body: { ...p, spec } });
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 409 && attempt < 4) continue;
      throw e;
    }
  }
}

/* ---------------- resources of a change ---------------- */

function typeFor(cache: ClusterCache, apiVersion: string, kind: string): ResolvedType {
  const { group, version } = parseApiVersion(apiVersion);
  const core = CORE_TYPES.find((t) => t.group === group && t.kind === kind);
  const plural = core?.plural ?? cache.getKinds().find((k) => k.group === group && k.kind === kind)?.plural;
  if (!plural) throw new ProposalError(400, `The cluster does not serve ${kind} (${apiVersion})`);
  return resolveType(cache, group, version, plural);
}

async function liveOf(cache: ClusterCache, c: Pick<ProposalChange, 'apiVersion' | 'kind' | 'namespace' | 'name'>): Promise<K8sObject | undefined> {
  const t = typeFor(cache, c.apiVersion, c.kind);
  try {
    return await getResource(cache, t, t.namespaced ? c.namespace : undefined, c.name);
  } catch (e) {
    if (e instanceof KubeApiError && e.status === 404) return undefined;
    throw e;
  }
}

async function toChange(cache: ClusterCache, input: ChangeInput): Promise<ProposalChange> {
  const object = input.object as K8sObject;
  const t = typeFor(cache, object.apiVersion, object.kind);
  if (t.namespaced && !object.metadata.namespace)
    throw new ProposalError(400, `${object.kind} ${object.metadata.name} is namespaced: metadata.namespace is required`);
  if (!t.writable) throw new ProposalError(405, `Meshboard does not write ${t.plural}`);
  const live = await liveOf(cache, { apiVersion: object.apiVersion, kind: object.kind, namespace: object.metadata.namespace, name: object.metadata.name });
  if (input.action === 'create' && live)
    throw new ProposalError(
      409,
      `${changeResource({ kind: object.kind, namespace: object.metadata.namespace, name: object.metadata.name })} already exists: propose an update of it`,
    );
  const rv = object.metadata.resourceVersion;
  if (input.action !== 'create' && live && rv && rv !== live.metadata.resourceVersion) {
    throw new ProposalError(
      409,
      `${changeResource({ kind: object.kind, namespace: object.metadata.namespace, name: object.metadata.name })} changed since you read it (resourceVersion ${rv} -> ${live.metadata.resourceVersion}): reload it and propose again`,
    );
  }
  return makeChange(input.action, object, live);
}

/* ---------------- list, create, add ---------------- */

function summary(p: ChangeProposal, me: string): ProposalSummary {
  const s = specOf(p);
  return {
    name: p.metadata.name,
    title: s.title,
    state: s.state,
    author: s.author.username,
    createdAt: p.metadata.creationTimestamp,
    updatedAt: s.updatedAt,
    changes: s.changes.length,
    resources: s.changes.map(changeResource),
    mine: s.author.username === me,
  };
}

export async function listProposals(req: Request, context: string | undefined): Promise<{ items: ProposalSummary[]; me: string }> {
  const { kc } = kubeConfigFor(context);
  const me = (await whoami(req, context)).username;
  let list: { items: ChangeProposal[] };
  try {
    list = await kubeRequest<{ items: ChangeProposal[] }>(kc, { path: COLLECTION });
  } catch (e) {
    return crdMissing(e);
  }
  const items = list.items.map((p) => summary(p, me)).sort((a, b) => (b.updatedAt ?? '').localeCompare(a.updatedAt ?? '') || a.name.localeCompare(b.name));
  return { items, me };
}

export async function createProposal(
  req: Request,
  context: string | undefined,
  input: { title: string; description?: string; changes: ChangeInput[] },
): Promise<ChangeProposal> {
  const cache = await cacheOf(context);
  const me = await whoami(req, context);
  const now = new Date().toISOString();
  const p = newProposal(input.title, input.description, me, now);
  for (const c of input.changes) p.spec.changes = upsertChange(p.spec.changes, await toChange(cache, c));
  p.spec.changeCount = p.spec.changes.length;
  const { kc } = kubeConfigFor(context);
  const { name: _n, ...metadata } = p.metadata;
  try {
    return await kubeRequest<ChangeProposal>(kc, { method: 'POST', path: COLLECTION, body: { ...p, metadata } });
  } catch (e) {
    return crdMissing(e);
  }
}

async function mustBeOpen(context: string | undefined, name: string): Promise<void> {
  const p = await readProposal(context, name);
  if (!isOpen(p.spec.state)) throw new ProposalError(409, `Proposal ${name} is ${p.spec.state}: it cannot be changed`);
}

export async function addChanges(req: Request, context: string | undefined, name: string, inputs: ChangeInput[]): Promise<ChangeProposal> {
  const cache = await cacheOf(context);
  const me = (await whoami(req, context)).username;
  const p = await readProposal(context, name);
  if (p.spec.author.username !== me) throw new ProposalError(403, `Proposal ${name} is ${p.spec.author.username}'s: only its author adds changes`);
  await mustBeOpen(context, name);
  const changes: ProposalChange[] = [];
  for (const c of inputs) changes.push(await toChange(cache, c));
  return updateProposal(context, name, (spec) => {
    for (const c of changes) spec.changes = upsertChange(spec.changes, c);
    // New content needs a new look.
    if (spec.state === 'approved' || spec.state === 'changes-requested') spec.state = 'open';
  });
}

export async function removeChange(req: Request, context: string | undefined, name: string, id: string): Promise<ChangeProposal> {
  const me = (await whoami(req, context)).username;
  const p = await readProposal(context, name);
  if (p.spec.author.username !== me) throw new ProposalError(403, `Proposal ${name} is ${p.spec.author.username}'s: only its author removes changes`);
  await mustBeOpen(context, name);
  return updateProposal(context, name, (spec) => {
    const before = spec.changes.length;
    spec.changes = spec.changes.filter((c) => changeId(c) !== id);
    if (spec.changes.length === before) throw new ProposalError(404, `Proposal ${name} has no change to ${id}`);
  });
}

/* ---------------- read with review ---------------- */

async function dryRunWrite(cache: ClusterCache, c: ProposalChange, dryRun: boolean): Promise<WriteResult> {
  const resource = changeResource(c);
  try {
    const t = typeFor(cache, c.apiVersion, c.kind);
    const ns = t.namespaced ? c.namespace : undefined;
    if (c.action === 'create') {
      const out = await createResource(
        cache,
        t,
        ns,
        { ...c.object!, apiVersion: c.apiVersion, metadata: { ...c.object!.metadata, resourceVersion: undefined } },
        { dryRun },
      );
      return { resource, action: c.action, outcome: 'applied', resourceVersion: out.metadata.resourceVersion };
    }
    if (c.action === 'update') {
      const body = { ...c.object!, apiVersion: c.apiVersion, metadata: { ...c.object!.metadata, resourceVersion: c.baseResourceVersion } };
      const out = await replaceResource(cache, t, ns, c.name, body, { dryRun });
      return { resource, action: c.action, outcome: 'applied', resourceVersion: out.metadata.resourceVersion };
    }
    await deleteResource(cache, t, ns, c.name, { dryRun, resourceVersion: c.baseResourceVersion });
    return { resource, action: c.action, outcome: 'applied' };
  } catch (e) {
    const status = e instanceof KubeApiError ? e.status : e instanceof ProposalError ? e.status : 500;
    return { resource, action: c.action, outcome: 'failed', status, message: e instanceof Error ? e.message : String(e) };
  }
}

const VERB = { create: 'create', update: 'update', delete: 'delete' } as const;

async function accessFor(cache: ClusterCache, context: string, changes: readonly ProposalChange[]): Promise<{ allowed: boolean; denied: string[] }> {
  const denied: string[] = [];
  await Promise.all(
    changes.map(async (c) => {
      try {
        const t = typeFor(cache, c.apiVersion, c.kind);
        const a = await checkAccess(context, {
          verb: VERB[c.action],
          group: t.group,
          resource: t.plural,
          namespace: t.namespaced ? c.namespace : undefined,
          name: c.action === 'create' ? undefined : c.name,
        });
        if (!a.allowed) denied.push(`${c.action} ${changeResource(c)}`);
      } catch {
        denied.push(`${c.action} ${changeResource(c)}`);
      }
    }),
  );
  return { allowed: !denied.length, denied: denied.sort() };
}

/**
 * The mesh before and after: the live objects with each changed resource as the change
 * saw it (its base; absent for a create), then with the proposed writes. So the diff is
 * what the author proposed, and the impact is measured against the rest of the live mesh.
 */
function baseAndHead(cache: ClusterCache, changes: readonly ProposalChange[]): { base: K8sObject[]; head: K8sObject[] } {
  const ids = new Set(changes.map(changeId));
  const base = cache.allObjects().filter((o) => !ids.has(resourceId(o)));
  for (const c of changes) if (c.base) base.push(c.base);
  return { base, head: applyChanges(base, writesOf(changes)) };
}

export async function getProposalView(
  req: Request,
  context: string | undefined,
  name: string,
  opts: { versionLabels?: Array<[string, string]> } = {},
): Promise<ProposalResponse> {
  const cache = await cacheOf(context);
  const me = (await whoami(req, context)).username;
  const proposal = await readProposal(context, name);
  const spec = proposal.spec;
  const { base, head } = baseAndHead(cache, spec.changes);
  const r = reviewChange(base, head, { meshConfig: meshConfigFromConfigMap(cache.meshConfigMap()), versionLabels: opts.versionLabels });
  const open = isOpen(spec.state);
  const lives = new Map<string, K8sObject | undefined>();
  if (open) for (const c of spec.changes) lives.set(changeId(c), await liveOf(cache, c));
  const stale = open ? staleChanges(spec.changes, (c) => lives.get(changeId(c))) : [];
  const dryRun: WriteResult[] = [];
  if (open) for (const c of spec.changes) dryRun.push(await dryRunWrite(cache, c, true));
  return {
    proposal,
    me,
    review: {
      resources: r.resources,
      namespaces: r.namespaces,
      graph: r.graph,
      findings: r.findings,
      decisions: r.decisions,
      routes: r.routes,
      svg: graphDiffSvg(r.graph),
    },
    stale,
    dryRun,
    canApply: open ? await accessFor(cache, cache.context, spec.changes) : { allowed: false, denied: [] },
  };
}

/* ---------------- comments, reviews, state ---------------- */

export async function comment(req: Request, context: string | undefined, name: string, text: string): Promise<ChangeProposal> {
  const me = (await whoami(req, context)).username;
  return updateProposal(context, name, (spec) => {
    spec.comments.push({ author: me, at: new Date().toISOString(), text });
  });
}

export async function review(
  req: Request,
  context: string | undefined,
  name: string,
  verdict: 'approve' | 'request-changes',
  text?: string,
): Promise<ChangeProposal> {
  const me = (await whoami(req, context)).username;
  await mustBeOpen(context, name);
  return updateProposal(context, name, (spec) => {
    spec.reviews.push({ author: me, at: new Date().toISOString(), verdict, ...(text ? { text } : {}) });
    spec.state = stateAfterReviews(spec.reviews);
  });
}

export async function setState(req: Request, context: string | undefined, name: string, state: 'open' | 'closed'): Promise<ChangeProposal> {
  const me = (await whoami(req, context)).username;
  const p = await readProposal(context, name);
  if (p.spec.author.username !== me) throw new ProposalError(403, `Only the author (${p.spec.author.username}) closes or reopens proposal ${name}`);
  if (p.spec.state === 'applied') throw new ProposalError(409, `Proposal ${name} is applied`);
  return updateProposal(context, name, (spec) => {
    spec.state = state === 'closed' ? 'closed' : stateAfterReviews(spec.reviews);
  });
}

/* ---------------- rebase ---------------- */

export async function rebase(req: Request, context: string | undefined, name: string, resources?: string[]): Promise<RebaseResponse> {
  const cache = await cacheOf(context);
  const me = (await whoami(req, context)).username;
  const p = await readProposal(context, name);
  if (p.spec.author.username !== me) throw new ProposalError(403, `Proposal ${name} is ${p.spec.author.username}'s: only its author rebases it`);
  await mustBeOpen(context, name);
  const conflicts: RebaseResponse['conflicts'] = [];
  const rebased = new Map<string, ProposalChange>();
  for (const c of p.spec.changes) {
    const id = changeId(c);
    if (resources && !resources.includes(id) && !resources.includes(changeResource(c))) continue;
    const cur = await liveOf(cache, c);
    if (c.action === 'create' ? !cur : cur?.metadata.resourceVersion === c.baseResourceVersion) continue;
    if (!cur) throw new ProposalError(409, `${changeResource(c)} was deleted since the change was proposed: remove the change or propose a create`);
    const r = rebaseChange(c, cur);
    rebased.set(id, r.change);
    for (const x of r.conflicts) conflicts.push({ resource: changeResource(c), ...x });
  }
  const proposal = await updateProposal(context, name, (spec) => {
    spec.changes = spec.changes.map((c) => rebased.get(changeId(c)) ?? c);
    if (rebased.size && spec.state === 'approved') spec.state = 'open';
  });
  return { proposal, conflicts };
}

/* ---------------- apply ---------------- */

export async function applyProposal(req: Request, context: string | undefined, name: string): Promise<ApplyResponse> {
  const cache = await cacheOf(context);
  const me = (await whoami(req, context)).username;
  const p = await readProposal(context, name);
  const spec = p.spec;
  if (spec.state !== 'approved') throw new ProposalError(409, `Proposal ${name} is ${spec.state}: it needs an approval before it is applied`);
  if (!spec.changes.length) throw new ProposalError(409, `Proposal ${name} has no changes`);
  const access = await accessFor(cache, cache.context, spec.changes);
  if (!access.allowed) throw new ProposalError(403, `You may not make every write of this proposal: ${access.denied.join(', ')}`);
  // Everything must pass a dry run first, so a moved base or an invalid object applies nothing.
  const dry: WriteResult[] = [];
  for (const c of spec.changes) dry.push(await dryRunWrite(cache, c, true));
  let results: WriteResult[];
  if (dry.some((r) => r.outcome === 'failed')) {
    results = dry.map((r) =>
      r.outcome === 'failed'
        ? r
        : { ...r, outcome: 'skipped', resourceVersion: undefined, message: 'not applied: another write of the proposal failed its dry run' },
    );
  } else {
    results = [];
    let failed = false;
    for (const c of spec.changes) {
      if (failed) {
        results.push({ resource: changeResource(c), action: c.action, outcome: 'skipped', message: 'not applied: an earlier write failed' });
        continue;
      }
      const r = await dryRunWrite(cache, c, false);
      results.push(r);
      failed = r.outcome === 'failed';
    }
  }
  const ok = results.every((r) => r.outcome === 'applied');
  const proposal = await updateProposal(context, name, (s) => {
    s.lastApply = { by: me, at: new Date().toISOString(), ok, results };
    if (ok) s.state = 'applied';
  });
  return { proposal, ok, results };
}

/* ---------------- export ---------------- */

export async function exportProposal(context: string | undefined, name: string, format: ExportFormat): Promise<ExportResponse> {
  const p = await readProposal(context, name);
  const changes = p.spec.changes;
  if (format === 'diff') return { format, diff: exportUnifiedDiff(changes) };
  if (format === 'kustomize') return { format, files: exportKustomize(changes) };
  return { format, files: exportFiles(changes) };
}
