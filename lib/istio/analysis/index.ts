/**
 * The analysis engine: `analyze(objects, options) => Finding[]`. Pure (no Node, no
 * network, no React): it runs in the browser, on the server and in the CLI.
 *
 * Input is any mix of Kubernetes and Istio objects, any served version; `kind: List`
 * documents are unwrapped. Output is sorted findings with IST codes where the check is
 * istioctl analyze's and MB codes for Meshboard's own (see CODES.md).
 */
import type { Finding } from '../findings';
import { compareFindings } from '../findings';
import { friendlyName, isK8sObject } from '../resources';
import type { K8sObject } from '../types';
import { AnalysisContext, defaultResources } from './context';
import type { Analyzer, AnalyzeOptions } from './types';
import { ambientAnalyzers } from './analyzers/ambient';
import { annotationAnalyzers } from './analyzers/annotations';
import { authzAnalyzers } from './analyzers/authz';
import { clusterAnalyzers } from './analyzers/cluster';
import { deprecationAnalyzers } from './analyzers/deprecation';
import { destinationRuleAnalyzers } from './analyzers/destinationrule';
import { envoyFilterAnalyzers } from './analyzers/envoyfilter';
import { gatewayAnalyzers } from './analyzers/gateway';
import { gatewayApiAnalyzers } from './analyzers/gatewayapi';
import { injectionAnalyzers } from './analyzers/injection';
import { meshboardAnalyzers } from './analyzers/meshboard';
import { mtlsAnalyzers } from './analyzers/mtls';
import { schemaAnalyzers } from './analyzers/schema';
import { serviceEntryAnalyzers } from './analyzers/serviceentry';
import { sidecarAnalyzers } from './analyzers/sidecar';
import { telemetryAnalyzers } from './analyzers/telemetry';
import { virtualServiceAnalyzers } from './analyzers/virtualservice';
import { webhookAnalyzers } from './analyzers/webhook';
import { workloadAnalyzers } from './analyzers/workloads';

export type { Analyzer, AnalyzeOptions, MeshNetworks } from './types';
export { AnalysisContext } from './context';
export { ALL_MESSAGES, formatMessage, messageType } from './messages';

/** Every analyzer, in istioctl's order where it has one, then Meshboard's. */
export const ANALYZERS: readonly Analyzer[] = [
  ...annotationAnalyzers,
  ...authzAnalyzers,
  ...workloadAnalyzers,
  ...deprecationAnalyzers,
  ...webhookAnalyzers,
  ...gatewayAnalyzers,
  ...injectionAnalyzers,
  ...sidecarAnalyzers,
  ...virtualServiceAnalyzers,
  ...destinationRuleAnalyzers,
  ...serviceEntryAnalyzers,
  ...envoyFilterAnalyzers,
  ...telemetryAnalyzers,
  ...clusterAnalyzers,
  ...schemaAnalyzers,
  ...mtlsAnalyzers,
  ...meshboardAnalyzers,
  ...gatewayApiAnalyzers,
  ...ambientAnalyzers,
];

const byName = new Map<string, Analyzer>();
for (const a of ANALYZERS) {
  byName.set(a.name, a);
  for (const alias of a.aliases ?? []) if (!byName.has(alias)) byName.set(alias, a);
}

/** Look an analyzer up by its name or one of its aliases (Istio's Go type names). */
export function findAnalyzer(name: string): Analyzer | undefined {
  return byName.get(name);
}

/** The analyzers a default run uses (istioctl leaves its alpha-annotation analyzer out; so do we). */
export function defaultAnalyzers(): Analyzer[] {
  return ANALYZERS.filter((a) => !a.optIn);
}

export class UnknownAnalyzerError extends Error {
  constructor(readonly names: string[]) {
    super(`unknown analyzer${names.length > 1 ? 's' : ''}: ${names.join(', ')}`);
    this.name = 'UnknownAnalyzerError';
  }
}

/** Resolve analyzer names (or aliases); throws UnknownAnalyzerError for names that match none. */
export function resolveAnalyzers(names: readonly string[]): Analyzer[] {
  const out: Analyzer[] = [];
  const unknown: string[] = [];
  for (const n of names) {
    const a = byName.get(n);
    if (!a) unknown.push(n);
    else if (!out.includes(a)) out.push(a);
  }
  if (unknown.length) throw new UnknownAnalyzerError(unknown);
  return out;
}

/** Absent, or an object of strings: stringMap(v).changed is false. */
function isStringMap(v: unknown): boolean {
  if (v === undefined) return true;
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const rec = v as Record<string, unknown>;
  for (const k in rec) if (typeof rec[k] !== 'string') return false;
  return true;
}

function stringMap(v: unknown): { map: Record<string, string> | undefined; changed: boolean } {
  if (v === undefined) return { map: undefined, changed: false };
  if (!v || typeof v !== 'object' || Array.isArray(v)) return { map: undefined, changed: true };
  const rec = v as Record<string, unknown>;
  let allStrings = true;
  for (const k in rec) {
    if (typeof rec[k] !== 'string') {
      allStrings = false;
      break;
    }
  }
  // The usual case, without a copy.
  if (allStrings) return { map: rec as Record<string, string>, changed: false };
  let changed = false;
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(rec)) {
    if (typeof val === 'string') out[k] = val;
    else {
      changed = true;
      if (val !== null && val !== undefined) out[k] = typeof val === 'object' ? JSON.stringify(val) : String(val);
    }
  }
  return { map: out, changed };
}

/**
 * An object whose metadata the analyzers can trust: namespace a string, labels and
 * annotations string maps (values coerced as Kubernetes would refuse them; the schema
 * analyzers still see the original through `originals`).
 */
function withTrustedMetadata(o: K8sObject, originals: Map<K8sObject, unknown>): K8sObject {
  const md = o.metadata as unknown as Record<string, unknown>;
  const nsBad = md.namespace !== undefined && typeof md.namespace !== 'string';
  // The usual case (what stringMap leaves unchanged), without its result objects.
  if (!nsBad && isStringMap(md.labels) && isStringMap(md.annotations)) return o;
  const labels = stringMap(md.labels);
  const annotations = stringMap(md.annotations);
  if (!nsBad && !labels.changed && !annotations.changed) return o;
  const metadata = { ...o.metadata } as K8sObject['metadata'];
  if (nsBad) delete metadata.namespace;
  if (labels.changed) metadata.labels = labels.map;
  if (annotations.changed) metadata.annotations = annotations.map;
  const copy = { ...o, metadata };
  originals.set(copy, o);
  return copy;
}

/** Flatten `kind: List` documents and drop anything that is not a Kubernetes object. */
export function normalizeObjects(input: readonly unknown[], originals: Map<K8sObject, unknown> = new Map()): K8sObject[] {
  const out: K8sObject[] = [];
  const visit = (v: unknown) => {
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (typeof o.kind === 'string' && o.kind.endsWith('List') && Array.isArray(o.items)) {
      for (const it of o.items) visit(it);
      return;
    }
    if (isK8sObject(v)) out.push(withTrustedMetadata(v, originals));
  };
  for (const v of input) visit(v);
  return out;
}

function suppressed(obj: K8sObject | undefined, code: string): boolean {
  const a: unknown = obj?.metadata.annotations?.['galley.istio.io/analyze-suppress'];
  if (typeof a !== 'string' || !a) return false;
  return a.split(',').some((c) => {
    const t = c.trim();
    return t === '*' || t === code;
  });
}

/** istioctl's duplicate rule (diag.Messages.SortedDedupedCopy) without positions: level, code, resource, text. */
export function findingKey(f: Finding): string {
  return `${f.level} [${f.code}] (${f.resource}) ${f.message}`;
}

/**
 * Drop findings equal to an earlier one by findingKey (the first one, with its path,
 * stays). `refine` tells apart findings that findingKey calls equal (the CLI: their
 * file:line, a function of resource and path); it is called only for those at different
 * paths, so it may be costly.
 */
export function dedupeFindings<T extends Finding>(findings: readonly T[], refine?: (f: T) => string): T[] {
  const seen = new Map<string, T[]>();
  const out: T[] = [];
  for (const f of findings) {
    const k = findingKey(f);
    const kept = seen.get(k);
    if (!kept) seen.set(k, [f]);
    // Same path, same place: `refine` (file:line) is only asked about findings at different paths.
    else if (!refine || kept.some((g) => g.path === f.path || refine(g) === refine(f))) continue;
    else kept.push(f);
    out.push(f);
  }
  return out;
}

/**
 * Analyze a set of resources. Findings are sorted (level, resource, code, path), with
 * duplicates removed as istioctl removes them (see AnalyzeOptions.dedupeKey).
 */
export function analyze(objects: readonly unknown[], options: AnalyzeOptions = {}): Finding[] {
  const originals = new Map<K8sObject, unknown>();
  const input = normalizeObjects(objects, originals);
  const meshConfig = options.meshConfig ?? {};
  const withDefaults = options.defaultResources !== false && String(meshConfig.ingressControllerMode ?? '').toUpperCase() !== 'OFF';
  const defaults = withDefaults ? defaultResources('istio-system', String(meshConfig.ingressService ?? '') || 'istio-ingressgateway') : [];
  const ctx = new AnalysisContext({
    objects: [...input, ...defaults],
    meshConfig,
    meshNetworks: options.meshNetworks,
    schemas: options.schemas,
    now: options.now,
    defaults,
    originals,
    metadataOnlyKinds: options.metadataOnlyKinds,
  });
  const analyzers = options.analyzers ? resolveAnalyzers(options.analyzers) : defaultAnalyzers();
  const unread = new Set(options.unreadKinds ?? []);
  const findings: Finding[] = [];
  for (const a of analyzers) {
    const lacking = unread.size && a.requires ? a.requires.filter((k) => unread.has(k)) : [];
    if (lacking.length) {
      options.onSkip?.(a.name, lacking);
      continue;
    }
    options.onProgress?.(a.name);
    findings.push(...a.run(ctx));
  }
  options.onProgress?.(undefined);
  let result = findings;
  if (options.honourSuppressAnnotation !== false) {
    const byResource = new Map<string, K8sObject>();
    for (const o of input) if (o.metadata.annotations?.['galley.istio.io/analyze-suppress']) byResource.set(friendlyName(o), o);
    if (byResource.size) result = findings.filter((f) => !suppressed(byResource.get(f.resource), f.code));
  }
  return dedupeFindings(result.sort(compareFindings), options.dedupeKey);
}
