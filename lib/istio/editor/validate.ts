/**
 * Everything the editor checks locally before anything reaches the server, as
 * problems with text ranges: YAML syntax, the Kubernetes envelope (one resource,
 * apiVersion/kind served, name a DNS-1123 name, namespace consistent with the page),
 * the CRD schema the cluster serves, removed APIs, older versions. Plus the marker
 * layer: any {code, severity, message, path} (analysis findings, server causes) ->
 * a range in the text through the YAML AST. Pure.
 */
import type { Finding } from '../findings';
import { findRemovedApi, parseApiVersion, preferredVersion } from '../kinds';
import { validateObject, type SchemaIndex } from '../schema';
import type { K8sObject } from '../types';
import { formatPath, parsePath, parseYamlDocuments, rangeOfPath, type ParseResult, type TextRange } from '../yaml';

/** What a refusal from the API server carries that the editor maps to lines (lib/contracts' ApiError fits). */
export interface ServerRefusal {
  reason?: string;
  message: string;
  causes?: Array<{ field?: string; reason?: string; message?: string }>;
}

export type Severity = 'error' | 'warning' | 'info';

export interface EditorProblem extends TextRange {
  code: string;
  severity: Severity;
  message: string;
  path?: string;
  source: 'yaml' | 'envelope' | 'schema' | 'analysis' | 'server';
  /** Something the editor can do about it. */
  action?: 'convert-legacy' | 'use-preferred-version';
}

export interface Expectations {
  mode: 'edit' | 'create';
  /** In edit mode: the resource being edited. */
  group?: string;
  /** In edit mode: the version the page reads and saves in. */
  version?: string;
  kind?: string;
  name?: string;
  /** The page's namespace (edit mode) or the default one for a new resource. */
  namespace?: string;
  namespaced?: boolean;
}

export interface EditorValidation {
  object?: K8sObject;
  problems: EditorProblem[];
  /** Any error: apply is blocked. */
  blocking: boolean;
  parsed: ParseResult;
}

const sevFromLevel = (l: string): Severity => (l === 'Error' || l === 'error' ? 'error' : l === 'Warning' || l === 'warning' ? 'warning' : 'info');

/** The marker layer: a finding-like record to a problem with the range of its path. */
export function locate(
  parsed: ParseResult,
  p: { code: string; severity: Severity; message: string; path?: string; source: EditorProblem['source']; action?: EditorProblem['action'] },
): EditorProblem {
  const doc = parsed.documents.find((d) => d.value !== null && d.value !== undefined) ?? parsed.documents[0];
  if (!doc) return { ...p, startLine: 1, startColumn: 1, endLine: 1, endColumn: 2 };
  const r = rangeOfPath(doc.doc, parsed.lineCounter, p.path ?? '');
  const { exact: _e, ...range } = r;
  return { ...p, ...range };
}

export function findingsToProblems(parsed: ParseResult, findings: readonly Finding[]): EditorProblem[] {
  return findings.map((f) => locate(parsed, { code: f.code, severity: sevFromLevel(f.level), message: f.message, path: f.path, source: 'analysis' }));
}

/**
 * Server causes use dotted field paths ("spec.http[0].route[0].weight"); some start
 * with the object's path prefix. Map them to ranges; causes without a field point at
 * the top of the document.
 */
export function serverErrorToProblems(parsed: ParseResult, err: ServerRefusal): EditorProblem[] {
  const causes = err.causes?.length ? err.causes : [{ message: err.message, field: undefined as string | undefined }];
  return causes.map((c) => {
    const field = c.field?.replace(/^\.?/, '').replace(/^<nil>$/, '');
    const fromMessage = !field ? /(spec(?:\.[\w-]+|\[\d+\])+)/.exec(c.message ?? '')?.[1] : undefined;
    const raw = field || fromMessage;
    return locate(parsed, {
      code: err.reason || 'ServerError',
      severity: 'error',
      message: c.message ?? err.message,
      path: raw ? formatPath(parsePath(raw)) : undefined,
      source: 'server',
    });
  });
}

export function validateEditorText(text: string, schemas: SchemaIndex, expect: Expectations): EditorValidation {
  const parsed = parseYamlDocuments(text);
  const problems: EditorProblem[] = [];
  for (const e of parsed.errors) problems.push({ code: 'YAML', severity: 'error', message: e.message, source: 'yaml', ...e.range });
  if (parsed.errors.length) return { problems, blocking: true, parsed };
  const docs = parsed.documents.filter((d) => d.value !== null && d.value !== undefined);
  if (docs.length === 0) {
    problems.push({
      code: 'MB-EMPTY',
      severity: 'error',
      message: 'The document is empty: write one resource (apiVersion, kind, metadata, spec).',
      source: 'envelope',
      startLine: 1,
      startColumn: 1,
      endLine: 1,
      endColumn: 2,
    });
    return { problems, blocking: true, parsed };
  }
  if (docs.length > 1) {
    const second = docs[1]!;
    problems.push({
      code: 'MB-MULTIDOC',
      severity: 'error',
      message: 'The editor holds one resource; remove the other documents (after "---").',
      source: 'envelope',
      ...second.range,
    });
  }
  const value = docs[0]!.value;
  const at = (path: string, code: string, severity: Severity, message: string, action?: EditorProblem['action']) =>
    problems.push(locate(parsed, { code, severity, message, path, source: 'envelope', action }));
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    at('', 'IST0106', 'error', 'A resource is a mapping with apiVersion, kind, metadata and spec.');
    return { problems, blocking: true, parsed };
  }
  const obj = value as K8sObject;
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const removed = apiVersion && typeof obj.kind === 'string' ? findRemovedApi(apiVersion, obj.kind) : undefined;
  if (removed) {
    at(
      'apiVersion',
      'MB0101',
      'error',
      `${apiVersion} ${obj.kind} was removed in Istio ${removed.removedIn}; the cluster cannot store it. Its replacement is ${removed.replacement}.${removed.convertible ? ' Use "Convert" to get the equivalent resource.' : ''}`,
      removed.convertible ? 'convert-legacy' : undefined,
    );
    return { object: obj, problems, blocking: true, parsed };
  }
  if (expect.mode === 'edit') {
    const { group } = parseApiVersion(apiVersion);
    if (expect.kind && obj.kind !== expect.kind)
      at('kind', 'MB-KIND', 'error', `This page edits a ${expect.kind}; kind cannot change (create a new resource instead).`);
    if (expect.group !== undefined && apiVersion && group !== expect.group)
      at('apiVersion', 'MB-GROUP', 'error', `apiVersion must stay in group ${expect.group}.`);
    else if (expect.version && apiVersion && parseApiVersion(apiVersion).version !== expect.version) {
      at(
        'apiVersion',
        'MB-VERSION-CHANGE',
        'error',
        `This page reads and saves ${expect.group ? `${expect.group}/` : ''}${expect.version}. To save in ${parseApiVersion(apiVersion).version}, open the resource in that version.`,
        'use-preferred-version',
      );
    }
    if (expect.name && obj.metadata?.name !== undefined && obj.metadata.name !== expect.name)
      at('metadata/name', 'MB-NAME', 'error', `The name is ${expect.name}; renaming means creating a new resource and deleting this one.`);
  }
  if (
    expect.namespaced !== false &&
    expect.namespace &&
    obj.metadata &&
    typeof obj.metadata === 'object' &&
    obj.metadata.namespace !== undefined &&
    obj.metadata.namespace !== expect.namespace
  ) {
    at(
      'metadata/namespace',
      'MB-NAMESPACE',
      'error',
      `metadata.namespace is ${JSON.stringify(obj.metadata.namespace)} but this ${expect.mode === 'edit' ? 'resource lives' : 'page creates resources'} in namespace ${expect.namespace}.`,
    );
  }
  for (const e of validateObject(obj, schemas)) {
    problems.push(locate(parsed, { code: e.code ?? 'IST0106', severity: e.severity ?? 'error', message: e.message, path: e.path, source: 'schema' }));
  }
  // An older served version: fine to keep, but say what is current.
  if (apiVersion) {
    const { group, version } = parseApiVersion(apiVersion);
    const versions = schemas.kinds.get(`${group}/${obj.kind}`);
    const served = versions?.filter((v) => schemas.versions.get(`${group}/${obj.kind}/${v}`)?.served) ?? [];
    const pref = preferredVersion(served);
    if (pref && pref !== version && served.includes(version)) {
      at(
        'apiVersion',
        'MB-VERSION',
        'info',
        `${group}/${pref} is the current version of ${obj.kind}; this resource is written in ${version} and will be saved in ${version}.`,
        'use-preferred-version',
      );
    }
  }
  return { object: obj, problems, blocking: problems.some((p) => p.severity === 'error'), parsed };
}

/** The text with its top-level apiVersion replaced (the rest untouched, comments kept). */
export function withApiVersion(text: string, apiVersion: string): string {
  return /^apiVersion:.*$/m.test(text) ? text.replace(/^apiVersion:.*$/m, `apiVersion: ${apiVersion}`) : `apiVersion: ${apiVersion}\n${text}`;
}
