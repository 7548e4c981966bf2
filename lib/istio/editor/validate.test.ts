import { describe, expect, it } from 'vitest';
import { bundledSchemas } from '../schema/bundled';
import { parseYamlDocuments } from '../yaml';
import { serverErrorToProblems, validateEditorText, type Expectations } from './validate';

const schemas = bundledSchemas();
const edit: Expectations = {
  mode: 'edit',
  group: 'networking.istio.io',
  version: 'v1',
  kind: 'VirtualService',
  name: 'reviews',
  namespace: 'default',
  namespaced: true,
};

const vs = (extra = '', ns = 'default', name = 'reviews') => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  hosts:
  - reviews
  http:
  - route:
    - destination:
        host: reviews
${extra}`;

describe('validateEditorText', () => {
  it('a valid resource has no problems and does not block the save', () => {
    const r = validateEditorText(vs(), schemas, edit);
    expect(r.problems).toEqual([]);
    expect(r.blocking).toBe(false);
    expect(r.object?.metadata.name).toBe('reviews');
  });

  it('a YAML syntax error blocks, with its line and column', () => {
    const r = validateEditorText('apiVersion: v1\nkind: [\n', schemas, edit);
    expect(r.blocking).toBe(true);
    expect(r.problems[0]).toMatchObject({ code: 'YAML', source: 'yaml', startLine: 3 });
  });

  it('an empty document and a second document are refused in words', () => {
    expect(validateEditorText('# nothing\n', schemas, edit).problems[0]).toMatchObject({ code: 'MB-EMPTY', severity: 'error' });
    const two = validateEditorText(`${vs()}---\n${vs()}`, schemas, edit);
    expect(two.problems.find((p) => p.code === 'MB-MULTIDOC')).toMatchObject({ startLine: 13 });
  });

  it('edit mode: kind, name and namespace cannot change, each on its own line', () => {
    const renamed = validateEditorText(vs('', 'other', 'ratings'), schemas, edit);
    const codes = renamed.problems.map((p) => [p.code, p.startLine]);
    expect(codes).toContainEqual(['MB-NAME', 4]);
    expect(codes).toContainEqual(['MB-NAMESPACE', 5]);
    expect(renamed.blocking).toBe(true);
    const kind = validateEditorText(vs().replace('kind: VirtualService', 'kind: DestinationRule'), schemas, edit);
    expect(kind.problems.map((p) => p.code)).toContain('MB-KIND');
  });

  it('a schema error points at the field: weight must be an integer', () => {
    const r = validateEditorText(vs('      weight: "ninety"\n'), schemas, edit);
    const p = r.problems.find((x) => x.source === 'schema');
    expect(p?.startLine).toBe(13);
    expect(p?.message).toMatch(/integer/);
    expect(r.blocking).toBe(true);
  });

  it('a removed API is named with its replacement and offers the conversion', () => {
    const r = validateEditorText(vs().replace('networking.istio.io/v1', 'authentication.istio.io/v1alpha1').replace('VirtualService', 'Policy'), schemas, {
      mode: 'create',
      namespace: 'default',
    });
    const p = r.problems.find((x) => x.code === 'MB0101');
    expect(p?.message).toMatch(/removed in Istio/);
    expect(r.blocking).toBe(true);
  });

  it('an older served version is information, not an error', () => {
    const r = validateEditorText(vs().replace('networking.istio.io/v1', 'networking.istio.io/v1beta1'), schemas, { mode: 'create', namespace: 'default' });
    const p = r.problems.find((x) => x.code === 'MB-VERSION');
    expect(p?.severity).toBe('info');
    expect(p?.message).toContain('networking.istio.io/v1 is the current version');
    expect(r.blocking).toBe(false);
  });
});

describe('serverErrorToProblems', () => {
  it('maps a cause with a dotted field path to its line', () => {
    const text = vs('      weight: 200\n');
    const problems = serverErrorToProblems(parseYamlDocuments(text), {
      reason: 'Invalid',
      message: 'refused',
      causes: [{ field: 'spec.http[0].route[0].weight', message: 'weight must be <= 100' }],
    });
    expect(problems).toEqual([expect.objectContaining({ code: 'Invalid', message: 'weight must be <= 100', startLine: 13, source: 'server' })]);
  });

  it('finds the field in the message when the server gives none, else points at the top', () => {
    const text = vs();
    const parsed = parseYamlDocuments(text);
    const fromMessage = serverErrorToProblems(parsed, { message: 'spec.hosts[0]: Invalid value' });
    expect(fromMessage[0]?.startLine).toBe(8);
    const top = serverErrorToProblems(parsed, { message: 'etcd is down' });
    expect(top[0]).toMatchObject({ code: 'ServerError', startLine: 1, message: 'etcd is down' });
  });
});
