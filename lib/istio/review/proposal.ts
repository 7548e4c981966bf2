/**
 * The ChangeProposal model (meshboard.io/v1alpha1, deploy/changeproposal-crd.yaml):
 * a set of creates, updates and deletes, each remembering the object and the
 * resourceVersion it was based on, with comments, reviews and the result of the last
 * apply. Pure operations on it: adding a change, review state, staleness against the
 * live objects, rebase (three-way merge) and GitOps exports.
 */
import { createTwoFilesPatch } from 'diff';
import { editText } from '../editor/display';
import type { MergeConflict } from '../editor/merge';
import { deepEqual } from '../util';
import { formatPath, type FieldPath } from '../fieldPath';
import { friendlyName, resourceId } from '../resources';
import type { K8sObject } from '../types';
import { toYaml } from '../yaml';
import type { ChangeAction } from './diff';

export const PROPOSAL_GROUP = 'meshboard.io';
export const PROPOSAL_VERSION = 'v1alpha1';
export const PROPOSAL_API_VERSION = `${PROPOSAL_GROUP}/${PROPOSAL_VERSION}`;
export const PROPOSAL_PLURAL = 'changeproposals';

export type ProposalState = 'open' | 'approved' | 'changes-requested' | 'applied' | 'closed';
export type Verdict = 'approve' | 'request-changes';

export interface ProposalChange {
  action: ChangeAction;
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  baseResourceVersion?: string;
  base?: K8sObject;
  object?: K8sObject;
}

export interface ProposalComment {
  author: string;
  at: string;
  text: string;
}
export interface ProposalReview {
  author: string;
  at: string;
  verdict: Verdict;
  text?: string;
}
export interface WriteResult {
  resource: string;
  action: ChangeAction;
  outcome: 'applied' | 'failed' | 'skipped';
  status?: number;
  message?: string;
  resourceVersion?: string;
}

export interface ProposalSpec {
  title: string;
  description?: string;
  state: ProposalState;
  author: { username: string; groups?: string[] };
  updatedAt?: string;
  changeCount?: number;
  changes: ProposalChange[];
  comments: ProposalComment[];
  reviews: ProposalReview[];
  lastApply?: { by: string; at: string; ok: boolean; results: WriteResult[] };
}

export interface ChangeProposal {
  apiVersion: typeof PROPOSAL_API_VERSION;
  kind: 'ChangeProposal';
  metadata: { name: string; resourceVersion?: string; creationTimestamp?: string; generateName?: string };
  spec: ProposalSpec;
}

export function newProposal(title: string, description: string | undefined, author: { username: string; groups?: string[] }, now: string): ChangeProposal {
  return {
    apiVersion: PROPOSAL_API_VERSION,
    kind: 'ChangeProposal',
    metadata: { name: '', generateName: 'proposal-' },
    spec: { title, description, state: 'open', author, updatedAt: now, changeCount: 0, changes: [], comments: [], reviews: [] },
  };
}

/** A normalized spec (lists present) of an object read from the cluster. */
export function specOf(p: ChangeProposal): ProposalSpec {
  const s = p.spec;
  return { ...s, changes: s.changes ?? [], comments: s.comments ?? [], reviews: s.reviews ?? [] };
}

export const changeId = (c: Pick<ProposalChange, 'apiVersion' | 'kind' | 'namespace' | 'name'>) =>
  resourceId({ apiVersion: c.apiVersion, kind: c.kind, metadata: { name: c.name, namespace: c.namespace } });
export const changeResource = (c: Pick<ProposalChange, 'kind' | 'namespace' | 'name'>) =>
  friendlyName({ kind: c.kind, metadata: { name: c.name, namespace: c.namespace } });

export function isOpen(s: ProposalState): boolean {
  return s === 'open' || s === 'approved' || s === 'changes-requested';
}

/**
 * Make a change from what the user wants (`object`, or a delete of `live`) and what
 * the cluster has (`live`): an update or delete remembers the live object and its
 * resourceVersion as its base.
 */
export function makeChange(action: ChangeAction, object: K8sObject, live: K8sObject | undefined): ProposalChange {
  const ref = { apiVersion: object.apiVersion, kind: object.kind, namespace: object.metadata.namespace, name: object.metadata.name };
  if (action === 'create') return { action, ...ref, object: stripForProposal(object) };
  if (!live) throw new ProposalError(404, `${friendlyName(object)} does not exist: there is nothing to ${action}`);
  const base = stripForProposal(live);
  const baseResourceVersion = live.metadata.resourceVersion;
  if (action === 'delete') return { action, ...ref, baseResourceVersion, base };
  return { action, ...ref, baseResourceVersion, base, object: stripForProposal(object) };
}

/** No managedFields or status in a proposal (they are large and not the change). */
function stripForProposal(o: K8sObject): K8sObject {
  const { status: _s, ...rest } = o;
  const { managedFields: _m, ...metadata } = o.metadata;
  return { ...rest, metadata } as K8sObject;
}

/**
 * Add a change to a proposal: a change to a resource the proposal already changes
 * replaces it but keeps the first base (the proposal is about the step from that
 * base); create then update stays a create; create then delete drops the change.
 */
export function upsertChange(changes: readonly ProposalChange[], c: ProposalChange): ProposalChange[] {
  const id = changeId(c);
  const i = changes.findIndex((x) => changeId(x) === id);
  if (i < 0) return [...changes, c];
  const prev = changes[i]!;
  let merged: ProposalChange | undefined;
  if (prev.action === 'create') merged = c.action === 'delete' ? undefined : { ...c, action: 'create', base: undefined, baseResourceVersion: undefined };
  else merged = { ...c, base: prev.base, baseResourceVersion: prev.baseResourceVersion };
  const out = [...changes];
  if (merged) out[i] = merged;
  else out.splice(i, 1);
  return out;
}

/** Head objects of the changes (for review): the proposed object, with the base's resourceVersion. */
export function writesOf(changes: readonly ProposalChange[]): Array<{ action: ChangeAction; object: K8sObject }> {
  return changes.map((c) => ({
    action: c.action,
    object: c.object ?? c.base ?? { apiVersion: c.apiVersion, kind: c.kind, metadata: { name: c.name, namespace: c.namespace } },
  }));
}

export interface StaleChange {
  resource: string;
  id: string;
  action: ChangeAction;
  /** Why: "changed since (resourceVersion 12 -> 15)", "deleted since", "created since". */
  reason: string;
  current?: K8sObject;
}

/** Changes whose base has moved: the live object differs from the one the change was based on. */
export function staleChanges(changes: readonly ProposalChange[], live: (c: ProposalChange) => K8sObject | undefined): StaleChange[] {
  const out: StaleChange[] = [];
  for (const c of changes) {
    const cur = live(c);
    const base = { resource: changeResource(c), id: changeId(c), action: c.action };
    if (c.action === 'create') {
      if (cur) out.push({ ...base, reason: 'created by someone else since', current: cur });
    } else if (!cur) out.push({ ...base, reason: 'deleted since' });
    else if (cur.metadata.resourceVersion !== c.baseResourceVersion) {
      out.push({ ...base, reason: `changed since (resourceVersion ${c.baseResourceVersion ?? '?'} -> ${cur.metadata.resourceVersion ?? '?'})`, current: cur });
    }
  }
  return out;
}

/**
 * Carry a change onto the current object (three-way: base -> current, base -> proposed):
 * the new base is `current`; conflicts keep the proposed value and are reported.
 */
export function rebaseChange(c: ProposalChange, current: K8sObject): { change: ProposalChange; conflicts: MergeConflict[] } {
  const base = stripForProposal(current);
  if (c.action === 'delete') return { change: { ...c, base, baseResourceVersion: current.metadata.resourceVersion }, conflicts: [] };
  if (c.action === 'create' || !c.base || !c.object) {
    const object = { ...c.object!, metadata: { ...c.object!.metadata, resourceVersion: current.metadata.resourceVersion } };
    return { change: { ...c, action: 'update', base, baseResourceVersion: current.metadata.resourceVersion, object }, conflicts: [] };
  }
  const { merged, conflicts } = mergeForRebase(c.base, base, c.object);
  const object = { ...merged, metadata: { ...merged.metadata, resourceVersion: current.metadata.resourceVersion } };
  return { change: { ...c, base, baseResourceVersion: current.metadata.resourceVersion, object }, conflicts };
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const SERVER_META = new Set(['resourceVersion', 'managedFields', 'generation', 'uid', 'creationTimestamp', 'selfLink']);

/**
 * Three-way merge for a rebase (base = what the change started from, current = live,
 * mine = proposed). Objects merge key by key; lists of the same length on all three
 * sides merge item by item (a teammate's timeout on http[0] and the proposal's weights
 * in http[0].route both survive); anything both sides changed differently is a conflict
 * that keeps the proposed value. Server-owned metadata comes from current.
 */
export function mergeForRebase(base: K8sObject, current: K8sObject, mine: K8sObject): { merged: K8sObject; conflicts: MergeConflict[] } {
  const conflicts: MergeConflict[] = [];
  const merge = (b: unknown, c: unknown, m: unknown, path: FieldPath): unknown => {
    if (deepEqual(m, b)) return c;
    if (deepEqual(c, b) || deepEqual(c, m)) return m;
    if (isObj(c) && isObj(m) && (isObj(b) || b === undefined)) {
      const bo = (b ?? {}) as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const k of new Set([...Object.keys(c), ...Object.keys(m), ...Object.keys(bo)])) {
        if (path.length === 1 && path[0] === 'metadata' && SERVER_META.has(k)) {
          if (c[k] !== undefined) out[k] = c[k];
          continue;
        }
        const v = merge(bo[k], c[k], m[k], [...path, k]);
        if (v !== undefined) out[k] = v;
      }
      return out;
    }
    if (Array.isArray(b) && Array.isArray(c) && Array.isArray(m) && b.length === c.length && c.length === m.length) {
      return m.map((x, i) => merge(b[i], c[i], x, [...path, i]));
    }
    conflicts.push({ path: formatPath(path), base: b, current: c, mine: m });
    return m;
  };
  return { merged: merge(base, current, mine, []) as K8sObject, conflicts };
}

/** Review state after a review: the latest verdict of each reviewer counts; any request for changes wins. */
export function stateAfterReviews(reviews: readonly ProposalReview[]): ProposalState {
  const last = new Map<string, Verdict>();
  for (const r of reviews) last.set(r.author, r.verdict);
  const v = [...last.values()];
  if (v.includes('request-changes')) return 'changes-requested';
  if (v.includes('approve')) return 'approved';
  return 'open';
}

/* ---------------- GitOps exports ---------------- */

/** "shop/virtualservice-user-service-vs.yaml" ("_cluster/..." for cluster-scoped). */
export function exportPath(c: Pick<ProposalChange, 'kind' | 'namespace' | 'name'>): string {
  return `${c.namespace ?? '_cluster'}/${c.kind.toLowerCase()}-${c.name}.yaml`;
}

/** The YAML as kubectl get -o yaml would write it, without server-owned fields. */
function fileText(o: K8sObject | undefined): string {
  return o ? editText(o) : '';
}

export interface ExportFile {
  path: string;
  text: string;
  action: ChangeAction;
}

/** One file per created or updated resource (deletes: listed with empty text). */
export function exportFiles(changes: readonly ProposalChange[]): ExportFile[] {
  return changes.map((c) => ({ path: exportPath(c), action: c.action, text: c.action === 'delete' ? '' : fileText(c.object) }));
}

export function exportUnifiedDiff(changes: readonly ProposalChange[]): string {
  return changes
    .map((c) => {
      const p = exportPath(c);
      const before = c.action === 'create' ? '' : fileText(c.base);
      const after = c.action === 'delete' ? '' : fileText(c.object);
      return createTwoFilesPatch(
        c.action === 'create' ? '/dev/null' : `a/${p}`,
        c.action === 'delete' ? '/dev/null' : `b/${p}`,
        before,
        after,
        undefined,
        undefined,
        { context: 3 },
      )
        .split('\n')
        .filter((l) => !l.startsWith('===='))
        .join('\n');
    })
    .join('');
}

/**
 * A Kustomize overlay: kustomization.yaml listing created resources as resources,
 * updates as patches (the whole new object, a strategic-merge patch targeting it) and
 * deletes as `$patch: delete` patches.
 */
export function exportKustomize(changes: readonly ProposalChange[], baseDir = '../base'): ExportFile[] {
  const files: ExportFile[] = [];
  const resources: string[] = [baseDir];
  const patches: Array<{ path: string; target: Record<string, string> }> = [];
  for (const c of changes) {
    const p = exportPath(c).replace('/', '-');
    const target: Record<string, string> = { kind: c.kind, name: c.name, ...(c.namespace ? { namespace: c.namespace } : {}) };
    const [group, version] = c.apiVersion.includes('/') ? c.apiVersion.split('/') : ['', c.apiVersion];
    if (group) target.group = group;
    if (version) target.version = version;
    if (c.action === 'create') {
      resources.push(p);
      files.push({ path: p, action: c.action, text: fileText(c.object) });
    } else if (c.action === 'update') {
      const patchPath = `patches/${p}`;
      patches.push({ path: patchPath, target });
      files.push({ path: patchPath, action: c.action, text: fileText(c.object) });
    } else {
      const patchPath = `patches/delete-${p}`;
      patches.push({ path: patchPath, target });
      files.push({
        path: patchPath,
        action: c.action,
        text: toYaml({
          $patch: 'delete',
          apiVersion: c.apiVersion,
          kind: c.kind,
          metadata: { name: c.name, ...(c.namespace ? { namespace: c.namespace } : {}) },
        }),
      });
    }
  }
  const kustomization = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources, ...(patches.length ? { patches } : {}) };
  return [{ path: 'kustomization.yaml', action: 'update', text: toYaml(kustomization) }, ...files];
}

export class ProposalError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ProposalError';
  }
}
