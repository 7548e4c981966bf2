/**
 * A seeded generator of hostile HTTP requests for Meshboard's API (e2e/specs/fuzz.spec.ts).
 * Deterministic for a seed: a failure prints the seed and the request so it can be replayed.
 *
 * Routes come from the file tree (app/api/**\/route.ts and the methods each exports), so a
 * route added later is fuzzed without touching this file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface ApiRoute {
  /** e.g. /api/resources/[...path] */
  template: string;
  methods: string[];
}

export function listApiRoutes(appDir: string): ApiRoute[] {
  const out: ApiRoute[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === 'route.ts') {
        const src = readFileSync(p, 'utf8');
        const methods = [...src.matchAll(/export\s+(?:const|async\s+function|function)\s+(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b/g)].map((m) => m[1]!);
        const rel = path.relative(appDir, path.dirname(p)).split(path.sep).join('/');
        out.push({ template: `/${rel}`, methods: [...new Set(methods)] });
      }
    }
  };
  walk(path.join(appDir, 'api'));
  return out.sort((a, b) => a.template.localeCompare(b.template));
}

/** mulberry32: small, fast, good enough for test input. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const chance = (p: number) => next() < p;
  return { next, int, pick, chance };
}
export type Rng = ReturnType<typeof rng>;

export interface FuzzRequest {
  method: string;
  /** Raw request target, sent as is (may hold invalid percent-escapes). */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** What the request is meant to probe, for the report. */
  kind: string;
}

const NASTY_STRINGS = [
  '',
  ' ',
  '..',
  '../../etc/passwd',
  '%2e%2e%2f',
  '\u0000',
  '\u202e\u0644\u0627',
  '😀'.repeat(50),
  '__proto__',
  'constructor',
  'prototype',
  '${jndi:ldap://127.0.0.1/a}',
  "'; DROP TABLE x; --",
  '<script>alert(1)</script>',
  'a'.repeat(300),
  'A-UPPER',
  '-',
  'true',
  'null',
  '1e309',
  '\ud800',
  'x\r\nSet-Cookie: a=b',
];

const HUGE_NUMBERS = [
  '1e309',
  '-1e309',
  '9'.repeat(400),
  '-0',
  '0.0000000000000000000000000000001',
  '123456789012345678901234567890',
  '2e-400',
  '9007199254740993',
];

/** YAML that tries parsers: billion laughs, tags, merge keys, duplicate keys, binary. */
export function hostileYaml(r: Rng): string {
  const laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 10; i++) {
    const p = String.fromCharCode(96 + i);
    const c = String.fromCharCode(97 + i);
    laughs.push(`${c}: &${c} [${Array(9).fill(`*${p}`).join(',')}]`);
  }
  return r.pick([
    laughs.join('\n'),
    'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: &m\n  name: fuzz\n  namespace: fuzz\nspec:\n  <<: *m\n  hosts: [*m, *m]\n',
    'apiVersion: !!js/function "function(){return 1}"\nkind: !!python/object/apply:os.system ["true"]\nmetadata: !!binary aGVsbG8=\n',
    'metadata:\n  name: a\n  name: b\nkind: VirtualService\nkind: Gateway\n',
    '? [a, b]\n: c\n! tagged: !custom {x: *undefined}\n',
    `a: ${'['.repeat(5000)}`,
    '%YAML 9.9\n---\n--- !<tag:yaml.org,2002:str> x\n...\n',
    `x: ${HUGE_NUMBERS.join('\ny: ')}`,
  ]);
}

function deepJson(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

function randomString(r: Rng): string {
  if (r.chance(0.5)) return r.pick(NASTY_STRINGS);
  const len = r.pick([1, 5, 20, 64, 254, 2000]);
  let s = '';
  for (let i = 0; i < len; i++) s += String.fromCodePoint(r.chance(0.8) ? 32 + r.int(95) : r.int(0xd7ff));
  return s;
}

function randomJsonValue(r: Rng, depth = 0): unknown {
  const t = r.int(depth > 3 ? 4 : 7);
  switch (t) {
    case 0:
      return randomString(r);
    case 1:
      return r.pick([0, -1, 1.5, Number.MAX_SAFE_INTEGER, -Number.MAX_VALUE, 1e300]);
    case 2:
      return r.pick([true, false, null]);
    case 3:
      return r.pick(['', 'x', '-']);
    case 4:
      return Array.from({ length: r.int(4) }, () => randomJsonValue(r, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = r.int(5); i > 0; i--)
        o[r.pick(['apiVersion', 'kind', 'metadata', 'spec', 'name', 'namespace', 'object', '__proto__', 'hosts', 'http', randomString(r)])] = randomJsonValue(
          r,
          depth + 1,
        );
      return o;
    }
  }
}

const VALID_VS = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'fuzz-vs', namespace: 'default' },
  spec: { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 100 }] }] },
};

/** A valid object with one part replaced by something hostile. */
function mutatedObject(r: Rng): unknown {
  const o = structuredClone(VALID_VS) as Record<string, any>;
  const where = r.int(8);
  const v = randomJsonValue(r);
  if (where === 0) o.apiVersion = v;
  else if (where === 1) o.kind = v;
  else if (where === 2) o.metadata = v;
  else if (where === 3) o.metadata.name = v;
  else if (where === 4) o.spec = v;
  else if (where === 5) o.spec.http[0].route[0].weight = v;
  else if (where === 6) o.metadata.labels = { [randomString(r)]: v };
  else o.spec.hosts = [hostileYaml(r)];
  return o;
}

function bodyFor(r: Rng): { body: Buffer; contentType: string; kind: string } {
  const json = 'application/json';
  switch (r.int(12)) {
    case 0:
      return { body: Buffer.from(JSON.stringify(mutatedObject(r))), contentType: json, kind: 'mutated object' };
    case 1:
      return { body: Buffer.from(JSON.stringify({ object: mutatedObject(r) })), contentType: json, kind: 'mutated {object}' };
    case 2:
      return { body: Buffer.from(JSON.stringify(randomJsonValue(r))), contentType: json, kind: 'random JSON' };
    case 3:
      return { body: Buffer.from(deepJson(r.pick([1000, 20000, 100000]), r.pick(['array', 'object'] as const))), contentType: json, kind: 'deep nesting' };
    case 4: {
      const n = r.pick(HUGE_NUMBERS);
      return {
        body: Buffer.from(
          `{"apiVersion":"networking.istio.io/v1","kind":"VirtualService","metadata":{"name":"fuzz","namespace":"default","generation":${n}},"spec":{"http":[{"route":[{"destination":{"host":"a"},"weight":${n}}]}]}}`,
        ),
        contentType: json,
        kind: 'huge numbers',
      };
    }
    case 5:
      return { body: Buffer.from(hostileYaml(r)), contentType: r.pick(['application/yaml', 'application/json', 'text/yaml']), kind: 'hostile YAML' };
    case 6:
      return { body: Buffer.from(JSON.stringify({ object: { ...VALID_VS, spec: { hosts: [hostileYaml(r)] } } })), contentType: json, kind: 'YAML inside JSON' };
    case 7: {
      // Invalid UTF-8 in and around JSON strings.
      const bad = Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0xf0, 0x28, 0x8c, 0xbc, 0xff, 0xfe]);
      return {
        body: Buffer.concat([Buffer.from('{"apiVersion":"networking.istio.io/v1","kind":"VirtualService","metadata":{"name":"'), bad, Buffer.from('"}}')]),
        contentType: json,
        kind: 'invalid UTF-8',
      };
    }
    case 8: {
      const bytes = Buffer.alloc(r.pick([1, 100, 5000]));
      for (let i = 0; i < bytes.length; i++) bytes[i] = r.int(256);
      return { body: bytes, contentType: r.pick([json, 'application/octet-stream', '']), kind: 'random bytes' };
    }
    case 9:
      return { body: Buffer.from(`{"pad":"${'x'.repeat(1_100_000)}"}`), contentType: json, kind: 'oversized body' };
    case 10:
      return { body: Buffer.from(JSON.stringify(VALID_VS).slice(0, r.int(120))), contentType: json, kind: 'truncated JSON' };
    default:
      return {
        body: Buffer.from('{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}},"apiVersion":"v1","kind":"X","metadata":{"name":"a"}}'),
        contentType: json,
        kind: 'prototype keys',
      };
  }
}

const QUERY_KEYS = [
  'context',
  'dryRun',
  'fresh',
  'namespaces',
  'namespace',
  'window',
  'versionLabels',
  'prometheus',
  'group',
  'kind',
  'verb',
  'resource',
  'name',
  'resourceVersion',
  'type',
  'since',
  '__proto__',
];

function queryValue(r: Rng, key: string): string {
  if (key === 'prometheus') return r.pick(['http://127.0.0.1:1', 'ftp://127.0.0.1/', 'http://user:pw@127.0.0.1:9', 'not a url', 'javascript:alert(1)', '']);
  if (key === 'context') return r.pick(['', 'nope', '../../kubeconfig', '%00', 'x'.repeat(2000)]);
  if (key === 'window') return r.pick(['5m', '0s', '-1m', '99999999999999h', '1e309s', 'now()', '']);
  return r.chance(0.3) ? r.pick(HUGE_NUMBERS) : randomString(r);
}

/** encodeURIComponent, except that a lone surrogate becomes the (invalid UTF-8) bytes of one. */
function enc(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return '%ED%A0%80' + encodeURIComponent(s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, ''));
  }
}

function encodeQuery(r: Rng, key: string, value: string): string {
  if (r.chance(0.1)) return `${key}=%ZZ%C3%28%FF`; // invalid escapes and invalid UTF-8
  return `${enc(key)}=${enc(value)}`;
}

const GROUPS = [
  'networking.istio.io',
  'security.istio.io',
  'core',
  'apps',
  'gateway.networking.k8s.io',
  'apiextensions.k8s.io',
  'rbac.authorization.k8s.io',
  'nope.example',
  'UPPER',
  '..',
  '%2e%2e',
];
const VERSIONS = ['v1', 'v1beta1', 'v1alpha3', 'v9', '', '-'];
const PLURALS = [
  'virtualservices',
  'destinationrules',
  'gateways',
  'namespaces',
  'secrets',
  'services',
  'configmaps',
  'customresourcedefinitions',
  'clusterrolebindings',
  'nope',
  '__proto__',
];

/** Path segments for a catch-all route; `absentNs` is a namespace that does not exist. */
function catchAllSegments(r: Rng, absentNs: string): string[] {
  const n = r.pick([0, 1, 2, 3, 3, 4, 4, 5, 5, 6, 9]);
  const segs = [
    r.pick(GROUPS),
    r.pick(VERSIONS),
    r.pick(PLURALS),
    r.chance(0.7) ? absentNs : r.pick(['-', 'default', 'kube-system', randomString(r)]),
    r.chance(0.6) ? 'fuzz-obj' : randomString(r),
  ];
  const out = segs.slice(0, Math.min(n, 5));
  while (out.length < n) out.push(randomString(r));
  // Dots are escaped so that no segment is a literal "." or ".." a router could resolve.
  return out.map((s) => (r.chance(0.1) ? '%C3%28%ZZ' : enc(s).replace(/\./g, '%2E')));
}

export interface GenerateOptions {
  origin: string;
  host: string;
  /** A namespace that does not exist: same-origin writes go there (or are dry runs) so nothing is written. */
  absentNs: string;
}

export function generateRequest(r: Rng, routes: ApiRoute[], o: GenerateOptions): FuzzRequest {
  const route = r.pick(routes);
  const declared = route.methods.length ? route.methods : ['GET'];
  const method = r.chance(0.85) ? r.pick(declared) : r.pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'PROPFIND']);
  // Paths: the template with its dynamic parts filled, sometimes with junk appended.
  let p = route.template.replace(/\/\[\.\.\.[^\]]+\]/, () => {
    const segs = catchAllSegments(r, o.absentNs);
    return segs.length ? '/' + segs.join('/') : '';
  });
  p = p.replace(/\[[^\]]+\]/g, () => enc(randomString(r)));
  const writes = route.template.startsWith('/api/resources') && ['POST', 'PUT', 'DELETE', 'PATCH'].includes(method);
  if (!writes && r.chance(0.05)) p += r.pick(['/', '//', '/..', '/%2e%2e/%2e%2e/etc/passwd', '/%00', '/' + 'a'.repeat(5000)]);
  const q: string[] = [];
  for (let i = r.chance(0.6) ? r.int(4) + 1 : 0; i > 0; i--) {
    const k = r.pick(QUERY_KEYS);
    q.push(encodeQuery(r, k, queryValue(r, k)));
  }
  const headers: Record<string, string> = { host: o.host };
  // Origin: mostly ours (to get past the checks and reach the handlers), sometimes hostile.
  const originKind = r.int(10);
  if (originKind < 6) headers.origin = o.origin;
  else if (originKind === 6) headers.origin = 'http://evil.example';
  else if (originKind === 7) headers.origin = 'null';
  else if (originKind === 8) headers.referer = r.pick([`${o.origin}/x`, 'not a url', 'http://evil.example/']);
  if (r.chance(0.1)) headers['sec-fetch-site'] = r.pick(['cross-site', 'same-site', 'same-origin', 'none', 'garbage']);
  if (r.chance(0.05)) headers.host = r.pick(['evil.example', '127.0.0.1.evil.example', '[::1]:1', 'localhost:99999', '']);
  if (r.chance(0.05)) headers['x-fuzz-' + r.int(100)] = 'v'.repeat(r.pick([10, 10_000]));
  if (r.chance(0.05)) headers.accept = r.pick(['text/event-stream', '*/*;q=abc', '']);
  let body: Buffer | undefined;
  let kind = `${method} ${route.template}`;
  if (method !== 'GET' && method !== 'HEAD' && r.chance(0.9)) {
    const b = bodyFor(r);
    body = b.body;
    if (b.contentType) headers['content-type'] = r.chance(0.1) ? `${b.contentType}; charset=${r.pick(['utf-8', 'latin1', 'bogus'])}` : b.contentType;
    kind += ` [${b.kind}]`;
  }
  // Same-origin writes to resources: never a real write. Either a server-side dry run, or a
  // namespace that does not exist (the request still reaches the API server).
  if (writes) {
    const segs = p.split('/');
    // /api/resources/g/v/plural/ns/name -> index 6 is the namespace
    if (segs.length > 6 && !r.chance(0.3)) segs[6] = o.absentNs;
    p = segs.join('/');
    if (!(segs.length > 6 && segs[6] === o.absentNs) || r.chance(0.3)) {
      // The handler reads the first dryRun: drop any other, put ours first.
      const others = q.filter((e) => ![...new URLSearchParams(e).keys()].includes('dryRun'));
      q.length = 0;
      q.push('dryRun=true', ...others);
      kind += ' dryRun';
    }
  }
  return { method, path: p + (q.length ? `?${q.join('&')}` : ''), headers, body, kind };
}
