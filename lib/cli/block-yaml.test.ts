import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CORE_SCHEMA, loadAll } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { nonEmptyDocuments, parseYamlDocuments, rangeOfPath } from '../istio/yaml';
import { readBlockYaml, readBlockYamlFile, type ImplicitType } from './block-yaml';

const types = (CORE_SCHEMA as unknown as { implicit: ImplicitType[] }).implicit;
const jsYaml = (text: string) => loadAll(text, undefined, { schema: CORE_SCHEMA }).filter((v) => v !== null && v !== undefined);
const jsYamlOrError = (text: string) => {
  try {
    return jsYaml(text);
  } catch (e) {
    return e as Error;
  }
};

/** Every path to a value, and below each a child that does not exist. */
function pathsIn(v: unknown, prefix: Array<string | number> = [], out: Array<Array<string | number>> = []): Array<Array<string | number>> {
  out.push(prefix, [...prefix, 'missing'], [...prefix, 9]);
  if (Array.isArray(v)) v.forEach((x, i) => pathsIn(x, [...prefix, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) pathsIn(x, [...prefix, k], out);
  return out;
}

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

  it('places documents and fields where the yaml package places them (the lines findings are reported on)', () => {
    const files = readdirSync(fixtures).filter((f) => f.endsWith('.yaml'));
    let checked = 0;
    for (const f of files) {
      const text = readFileSync(path.join(fixtures, f), 'utf8');
      const read = readBlockYamlFile(text, types);
      if (!read) continue;
      const parsed = parseYamlDocuments(text);
      const docs = nonEmptyDocuments(parsed);
      expect(read.values.length, f).toBe(docs.length);
      read.values.forEach((v, i) => {
        const d = docs[i]!;
        expect(read.position(i), `${f} document ${i}`).toEqual({ line: d.range.startLine, column: d.range.startColumn });
        for (const p of pathsIn(v).slice(1)) {
          const r = rangeOfPath(d.doc, parsed.lineCounter, p);
          expect(read.position(i, p), `${f} document ${i} ${p.join('.')}`).toEqual({ line: r.startLine, column: r.startColumn });
          checked++;
        }
      });
    }
    expect(checked).toBeGreaterThan(5_000);
  });

  it('reads edited manifests as js-yaml does, or gives up (seeded random edits of the fixtures)', () => {
    const texts = readdirSync(fixtures)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => readFileSync(path.join(fixtures, f), 'utf8'))
      .filter((t) => t.length < 4000 && readBlockYaml(t, types));
    const edits = [
      ' ',
      '\t',
      ':',
      ': ',
      '#',
      ' #',
      '- ',
      '"',
      "'",
      '[',
      ']',
      '{',
      '}',
      ',',
      '&a',
      '*a',
      '!',
      '|',
      '>',
      '%',
      '~',
      '\u00a0',
      '\n...',
      '\n---',
      '\n--- #x',
      '\n...  a',
      '0',
      '1.5',
      '0x1f',
      'null',
      'true',
      '\\',
      '\\t',
      '\n',
      '\n  ',
      '?',
      '\u000b',
      '\u2028',
    ];
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    let read = 0;
    for (let c = 0; c < 3000; c++) {
      let t = texts[rnd(texts.length)]!;
      for (let e = 1 + rnd(3); e > 0; e--) {
        const at = rnd(t.length);
        t = rnd(4) < 3 ? t.slice(0, at) + edits[rnd(edits.length)] + t.slice(at) : t.slice(0, at) + t.slice(at + 1 + rnd(3));
      }
      const got = readBlockYaml(t, types);
      if (got === undefined) continue;
      read++;
      expect(got, JSON.stringify(t)).toEqual(jsYamlOrError(t));
    }
    // Many edits leave a manifest this reader still reads.
    expect(read).toBeGreaterThan(1000);
  });

  it.each([
    ['a non-printable character', 'kind: Name\u000bspace\n'],
    ['a document end marker with content after it', 'a: 1\n...  b: 2\n'],
    ['a marker followed by a no-break space', 'a: 1\n---\u00a0\nb: 2\n'],
    ['a tab after an item', 'a:\n- \tb\n'],
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
