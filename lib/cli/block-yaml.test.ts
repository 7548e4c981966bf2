import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CORE_SCHEMA, loadAll } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { readBlockYaml, type ImplicitType } from './block-yaml';

const types = (CORE_SCHEMA as unknown as { implicit: ImplicitType[] }).implicit;
const jsYaml = (text: string) => loadAll(text, undefined, { schema: CORE_SCHEMA }).filter((v) => v !== null && v !== undefined);

const fixtures = path.resolve(__dirname, '..', 'istio', 'analysis', 'conformance', 'testdata');

describe('readBlockYaml (the fast path for manifests)', () => {
  it("reads every manifest it accepts as js-yaml does, and accepts a good part of Istio's analyzer test inputs", () => {
    const files = readdirSync(fixtures).filter((f) => f.endsWith('.yaml'));
    let read = 0;
    for (const f of files) {
      const text = readFileSync(path.join(fixtures, f), 'utf8');
      const got = readBlockYaml(text, types);
      if (!got) continue;
      read++;
      expect(got, f).toEqual(jsYaml(text));
    }
    expect(read).toBeGreaterThan(files.length / 3);
  });

  it('resolves scalars with the schema (numbers, booleans, null, quoted strings, flow lists, comments)', () => {
    const text = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: x   # a comment',
      'data:',
      '  a: 1.5',
      '  b: 0x1f',
      '  c: true',
      '  d: ~',
      '  e: "80"',
      "  f: 'it''s'",
      '  g: [80, http, 1e3]',
      '  h: []',
      '  i: {}',
      '  j: nginx:1.27',
      '  k:',
      '  l: "tab\\there"',
      'list:',
      '- name: one',
      '  port: 1',
      '-',
      '  - nested',
      '---',
      '# only a comment',
      '---',
      'second: doc',
    ].join('\n');
    const got = readBlockYaml(text, types);
    expect(got).toEqual(jsYaml(text));
    expect(got?.[0]).toMatchObject({
      data: { a: 1.5, b: 31, c: true, d: null, e: '80', f: "it's", g: [80, 'http', 1000], h: [], i: {}, j: 'nginx:1.27', k: null, l: 'tab\there' },
    });
    expect(got).toHaveLength(2);
  });

  it.each([
    ['an anchor and an alias', 'a: &x 1\nb: *x\n'],
    ['a block scalar', 'a: |\n  text\n'],
    ['a multi-line plain scalar', 'a: one\n  two\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a flow mapping', 'a: {b: 1}\n'],
    ['a nested flow list', 'a: [[1]]\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['a merge key', 'a: 1\n<<: {}\n'],
    ['a quoted key', '"a": 1\n'],
    ['CRLF line ends', 'a: 1\r\nb: 2\r\n'],
    ['a tab in the indentation', 'a:\n\tb: 1\n'],
    ['a lone scalar', 'just text\n'],
    ['a directive', '%YAML 1.2\n---\na: 1\n'],
    ['broken indentation', 'a:\n    b: 1\n  c: 2\n'],
    ['an unterminated quote', 'a: "open\n'],
  ])('gives up on %s (js-yaml or the yaml package reads it instead)', (_what, text) => {
    expect(readBlockYaml(text, types)).toBeUndefined();
  });
});
