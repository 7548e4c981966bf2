/**
 * Reading and writing resources of a context: reads from the watch cache, writes to
 * the API server (server-side dry run passes through), errors as KubeApiError.
 */
import 'server-only';
import type { K8sObject } from '../istio/types';
import { groupOfSegment } from '../istio/address';
import { apiVersionOf } from '../istio/kinds';
import { deepEqual } from '../istio/util';
import type { ClusterCache } from './cache';
import { CORE_TYPES, objectPath, collectionPath, typeKey, type ResourceType } from './discovery';
import { KubeApiError } from './errors';
import { kubeConfigFor } from './kubeconfig';
import { kubeRequest } from './request';

export interface ResolvedType extends ResourceType {
  key: string;
  /** Versions the server serves for this type. */
  served: string[];
  preferred: string;
  /** Meshboard writes only these: Istio kinds, plus Namespaces and Deployments for the forms. */
  writable: boolean;
}

/**
 * Core kinds Meshboard changes, and only in these places (the sidecar-injection and
 * ambient forms): labels and annotations of Namespaces, of Services (istio.io/use-waypoint),
 * and of Deployments and their pod templates.
 * Never create, delete, or change anything else of them (images, commands, service
 * accounts): a console for mesh config must not be a way to run code.
 */
const WRITABLE_CORE = new Set(['core/namespaces', 'core/services', 'apps/deployments']);

function withoutLabels(o: K8sObject): unknown {
  const strip = (m: Record<string, unknown> | undefined) => {
    if (!m) return m;
    const { labels: _l, annotations: _a, resourceVersion: _rv, managedFields: _mf, generation: _g, ...rest } = m;
    return rest;
  };
  const spec = o.spec as { template?: { metadata?: Record<string, unknown> } } | undefined;
  const template = spec?.template ? { ...spec.template, metadata: strip(spec.template.metadata) } : undefined;
  const { status: _s, ...rest } = o;
  return {
    ...rest,
    metadata: strip(o.metadata as unknown as Record<string, unknown>),
    ...(spec ? { spec: { ...spec, ...(template ? { template } : {}) } } : {}),
  };
}

/** Refuse core writes that change more than labels and annotations (exported for its tests). */
export function checkCoreChange(t: ResolvedType, live: K8sObject | undefined, body: K8sObject): void {
  if (t.group !== '' && t.group !== 'apps') return;
  if (!live) throw new KubeApiError(405, 'MethodNotAllowed', `Meshboard does not create ${t.plural}`);
  if (!deepEqual(withoutLabels(live), withoutLabels({ ...body, apiVersion: live.apiVersion, kind: live.kind }))) {
    throw new KubeApiError(
      403,
      'Forbidden',
      `Meshboard only changes labels and annotations of ${t.plural} (sidecar injection); this request changes other fields.`,
    );
  }
}

/** Resolve "group/version/plural" against what the cluster serves. Throws 404 when unknown. */
export function resolveType(cache: ClusterCache, group: string, version: string, plural: string): ResolvedType {
  const g = groupOfSegment(group);
  const core = CORE_TYPES.find((t) => t.group === g && t.plural === plural);
  if (core) {
    if (core.version !== version)
      throw new KubeApiError(404, 'NotFound', `${plural} is served as ${apiVersionOf(g, core.version)}, not ${apiVersionOf(g, version)}`);
    const key = typeKey(core);
    return { ...core, key, served: [core.version], preferred: core.version, writable: WRITABLE_CORE.has(key) };
  }
  const k = cache.getKinds().find((x) => x.group === g && x.plural === plural);
  if (!k) throw new KubeApiError(404, 'NotFound', `The cluster does not serve ${g ? g + '/' : ''}${plural}`);
  if (!k.served.includes(version))
    throw new KubeApiError(
      404,
      'NotFound',
      `${k.kind} is served as ${k.served.map((v) => apiVersionOf(g, v)).join(', ')}; ${apiVersionOf(g, version)} is not served`,
    );
  return {
    group: g,
    version,
    kind: k.kind,
    plural: k.plural,
    namespaced: k.namespaced,
    key: typeKey(k),
    served: k.served,
    preferred: k.preferred,
    writable: true,
  };
}

/**
 * Objects as the given version would return them. Istio's CRDs convert between
 * versions with strategy None (same fields, new apiVersion), so the cache's copy in
 * the preferred version answers for every served version.
 */
function asVersion(o: K8sObject, t: ResolvedType): K8sObject {
  const apiVersion = apiVersionOf(t.group, t.version);
  return o.apiVersion === apiVersion ? o : { ...o, apiVersion };
}

export function listFromCache(cache: ClusterCache, t: ResolvedType, namespace?: string): K8sObject[] {
  if (cache.isForbidden(t.key)) throw new KubeApiError(403, 'Forbidden', `You may not list ${t.plural}${t.group ? '.' + t.group : ''} in this cluster.`);
  return cache.list(t.key, namespace ? [namespace] : undefined).map((o) => asVersion(o, t));
}

export async function getResource(
  cache: ClusterCache,
  t: ResolvedType,
  namespace: string | undefined,
  name: string,
  opts: { fresh?: boolean } = {},
): Promise<K8sObject> {
  if (!opts.fresh) {
    const o = cache.get(t.key, t.namespaced ? namespace : undefined, name);
    if (o) return asVersion(o, t);
    if (cache.getStatus().connected && cache.getStatus().synced && !cache.isForbidden(t.key)) {
      throw new KubeApiError(404, 'NotFound', `${t.kind} ${namespace ? namespace + '/' : ''}${name} not found`);
    }
  }
  const { kc } = kubeConfigFor(cache.context);
  return kubeRequest<K8sObject>(kc, { path: objectPath(t, namespace, name) });
}

export function checkBody(t: ResolvedType, namespace: string | undefined, name: string | undefined, body: K8sObject): void {
  const apiVersion = apiVersionOf(t.group, t.version);
  const problems: Array<{ field: string; message: string }> = [];
  if (body.apiVersion !== apiVersion)
    problems.push({ field: 'apiVersion', message: `must be ${apiVersion} for this URL, got ${JSON.stringify(body.apiVersion)}` });
  if (body.kind !== t.kind) problems.push({ field: 'kind', message: `must be ${t.kind}, got ${JSON.stringify(body.kind)}` });
  if (name !== undefined && body.metadata?.name !== name)
    problems.push({ field: 'metadata.name', message: `must be ${name} (the name in the URL); renaming means creating a new resource` });
  if (t.namespaced && body.metadata?.namespace !== undefined && body.metadata.namespace !== namespace) {
    problems.push({ field: 'metadata.namespace', message: `must be ${namespace} (the namespace in the URL), got ${body.metadata.namespace}` });
  }
  if (problems.length) {
    throw new KubeApiError(
      400,
      'BadRequest',
      `The resource does not match the request: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`,
      problems.map((p) => ({ field: p.field, message: p.message, reason: 'FieldValueInvalid' })),
    );
  }
  if (!t.writable) throw new KubeApiError(405, 'MethodNotAllowed', `Meshboard does not write ${t.plural}`);
}

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
}

const FIELD_MANAGER = 'meshboard';

export async function createResource(
  cache: ClusterCache,
  t: ResolvedType,
  namespace: string | undefined,
  body: K8sObject,
  opts: WriteOptions = {},
): Promise<K8sObject> {
  checkBody(t, namespace, undefined, body);
  checkCoreChange(t, undefined, body);
  const { kc } = kubeConfigFor(cache.context);
  const obj = t.namespaced ? { ...body, metadata: { ...body.metadata, namespace } } : body;
  const out = await kubeRequest<K8sObject>(kc, {
    method: 'POST',
    path: collectionPath(t, namespace),
    query: { dryRun: opts.dryRun ? 'All' : undefined, fieldManager: opts.fieldManager ?? FIELD_MANAGER, fieldValidation: 'Strict' },
    body: obj,
  });
  if (!opts.dryRun) cache.noteWrite(t.key, asCacheVersion(out, t));
  return out;
}

/**
 * Replace with the resourceVersion the caller read: a concurrent change is a 409
 * that carries the current object, never a silent overwrite.
 */
export async function replaceResource(
  cache: ClusterCache,
  t: ResolvedType,
  namespace: string | undefined,
  name: string,
  body: K8sObject,
  opts: WriteOptions = {},
): Promise<K8sObject> {
  checkBody(t, namespace, name, body);
  if (!body.metadata.resourceVersion) {
    throw new KubeApiError(
      400,
      'BadRequest',
      'metadata.resourceVersion is required: it is the version your edit started from, so a concurrent change is detected instead of overwritten',
      [{ field: 'metadata.resourceVersion', reason: 'FieldValueRequired', message: 'Required value' }],
    );
  }
  const { kc } = kubeConfigFor(cache.context);
  if (t.group === '' || t.group === 'apps') checkCoreChange(t, await kubeRequest<K8sObject>(kc, { path: objectPath(t, namespace, name) }), body);
  try {
    const out = await kubeRequest<K8sObject>(kc, {
      method: 'PUT',
      path: objectPath(t, namespace, name),
      query: { dryRun: opts.dryRun ? 'All' : undefined, fieldManager: opts.fieldManager ?? FIELD_MANAGER, fieldValidation: 'Strict' },
      body: t.namespaced ? { ...body, metadata: { ...body.metadata, namespace } } : body,
    });
    if (!opts.dryRun) cache.noteWrite(t.key, asCacheVersion(out, t));
    return out;
  } catch (e) {
    if (e instanceof KubeApiError && e.status === 409) {
      let current: K8sObject | undefined;
      try {
        current = await kubeRequest<K8sObject>(kc, { path: objectPath(t, namespace, name) });
      } catch (g) {
        // Only a 404 means it was deleted meanwhile; anything else keeps its own meaning.
        if (!(g instanceof KubeApiError && g.status === 404)) throw g;
      }
      throw new ConflictError(e, current);
    }
    throw e;
  }
}

export class ConflictError extends KubeApiError {
  constructor(
    cause: KubeApiError,
    public readonly current: K8sObject | undefined,
  ) {
    super(409, 'Conflict', current ? `${cause.message}` : `${cause.message} (the resource was deleted meanwhile)`, cause.causes, cause.details);
    this.name = 'ConflictError';
  }
}

export async function deleteResource(
  cache: ClusterCache,
  t: ResolvedType,
  namespace: string | undefined,
  name: string,
  opts: { dryRun?: boolean; resourceVersion?: string } = {},
): Promise<void> {
  if (!t.writable || t.group === '' || t.group === 'apps') throw new KubeApiError(405, 'MethodNotAllowed', `Meshboard does not delete ${t.plural}`);
  const { kc } = kubeConfigFor(cache.context);
  const body: Record<string, unknown> = { apiVersion: 'v1', kind: 'DeleteOptions' };
  if (opts.resourceVersion) body.preconditions = { resourceVersion: opts.resourceVersion };
  const out = await kubeRequest<K8sObject | { kind: 'Status' }>(kc, {
    method: 'DELETE',
    path: objectPath(t, namespace, name),
    query: { dryRun: opts.dryRun ? 'All' : undefined },
    body,
  });
  if (opts.dryRun) return;
  // With finalizers the object stays (deletionTimestamp set) until they are done.
  const o = out as K8sObject;
  if (o.kind !== 'Status' && o.metadata?.deletionTimestamp && (o.metadata as { finalizers?: string[] }).finalizers?.length)
    cache.noteWrite(t.key, asCacheVersion(o, t));
  else cache.noteDelete(t.key, t.namespaced ? namespace : undefined, name);
}

function asCacheVersion(o: K8sObject, t: ResolvedType): K8sObject {
  const apiVersion = apiVersionOf(t.group, t.preferred);
  return o.apiVersion === apiVersion ? o : { ...o, apiVersion };
}

export interface AccessCheck {
  verb: string;
  group: string;
  resource: string;
  namespace?: string;
  name?: string;
}

/** SelfSubjectAccessReview: may the context's user do this? */
export async function checkAccess(context: string, a: AccessCheck): Promise<{ allowed: boolean; reason?: string }> {
  const { kc } = kubeConfigFor(context);
  const out = await kubeRequest<{ status?: { allowed?: boolean; denied?: boolean; reason?: string } }>(kc, {
    method: 'POST',
    path: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
    body: {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { verb: a.verb, group: groupOfSegment(a.group), resource: a.resource, namespace: a.namespace, name: a.name } },
    },
  });
  return { allowed: !!out.status?.allowed, reason: out.status?.reason };
}
