/**
 * The CLI as users run it: `node lib/cli/meshboard.mjs analyze ...` on temporary folders.
 * Exit codes (0 clean, 1 Error finding, 2 bad input), the JSON shape, file:line:column
 * for broken YAML, Kustomize folders, and the help text.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { nonEmptyDocuments, parseYamlDocuments, rangeOfPath } from '../istio/yaml';
import { parseArgs, SourceFile, UsageError } from './analyze';

// Each test spawns Node (and the first may build dist/cli): on a busy machine that takes
// seconds, so no test here relies on vitest's 5 s default.
const SPAWN_TIMEOUT = 120_000;

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.join(here, 'meshboard.mjs');
let tmp = '';

function write(rel: string, text: string): string {
  const p = path.join(tmp, rel);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, text);
  return p;
}

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: tmp, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const service = `apiVersion: v1
kind: Service
metadata:
  name: reviews
  namespace: shop
spec:
  selector:
    app: reviews
  ports:
  - name: http
    port: 9080
`;

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: reviews-v1
  namespace: shop
spec:
  selector:
    matchLabels: {app: reviews, version: v1}
  template:
    metadata:
      labels: {app: reviews, version: v1}
    spec:
      containers:
      - name: reviews
        image: reviews:1
`;

const destinationRule = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
  namespace: shop
spec:
  host: reviews
  subsets:
  - name: v1
    labels: {version: v1}
`;

const goodVs = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
  namespace: shop
spec:
  hosts: [reviews]
  http:
  - route:
    - destination:
        host: reviews
        subset: v1
`;

const badVs = goodVs.replace('subset: v1', 'subset: v9');

beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'meshboard-cli-'));
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('meshboard analyze (spawned)', { timeout: SPAWN_TIMEOUT }, () => {
  it('exits 0 and says so when nothing is wrong', () => {
    write('clean/app.yaml', [service, deployment, destinationRule, goodVs].join('---\n'));
    const r = run('analyze', '-f', 'clean');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No validation issues found');
  });

  it('exits 1 on an Error finding and prints istioctl-style lines with file:line', () => {
    write('broken/svc.yaml', [service, deployment, destinationRule].join('---\n'));
    write('broken/nested/vs.yml', badVs);
    const r = run('analyze', '-f', 'broken');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /^Error \[IST0101\] \(VirtualService shop\/reviews broken[/\\]nested[/\\]vs\.yml:\d+\) Referenced host\+subset in destinationrule not found: "reviews\+v9"$/m,
    );
  });

  it('reads the .json files of a folder too, as istioctl analyze does', () => {
    write('withjson/svc.yaml', [service, deployment, destinationRule].join('---\n'));
    write('withjson/nested/vs.json', JSON.stringify(parseYaml(badVs), null, 2));
    write('withjson/package.json', '{"name": "not-a-manifest"}');
    const r = run('analyze', '-f', 'withjson');
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^Error \[IST0101\] \(VirtualService shop\/reviews withjson[/\\]nested[/\\]vs\.json:\d+\) /m);
  });

  it('prints a JSON array of {code, level, message, resource, path?} with -o json', () => {
    const r = run('analyze', '-f', 'broken', '-o', 'json');
    expect(r.code).toBe(1);
    const findings = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(Array.isArray(findings)).toBe(true);
    const f = findings.find((x) => x.code === 'IST0101');
    expect(f).toEqual({
      code: 'IST0101',
      level: 'Error',
      message: 'Referenced host+subset in destinationrule not found: "reviews+v9"',
      resource: 'VirtualService shop/reviews',
      path: 'spec/http[0]/route[0]/destination/subset',
    });
    for (const x of findings) {
      expect(Object.keys(x).every((k) => ['code', 'level', 'message', 'resource', 'path'].includes(k))).toBe(true);
    }
  });

  it('exits 0 when findings are warnings only', () => {
    write(
      'warn/gw.yaml',
      `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw, namespace: shop}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 8443, name: https, protocol: HTTPS}
    hosts: ["shop.example.com"]
`,
    );
    const r = run('analyze', '-f', 'warn/gw.yaml', '-o', 'json');
    const findings = JSON.parse(r.stdout) as Array<{ code: string; level: string }>;
    expect(findings.map((f) => f.code)).toContain('IST0162');
    expect(findings.every((f) => f.level !== 'Error')).toBe(true);
    expect(r.code).toBe(0);
  });

  it('exits 2 with file:line:column on invalid YAML', () => {
    write('yamlerr/bad.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  ports: [{name: http, port: 80}\n');
    const r = run('analyze', '-f', 'yamlerr');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^yamlerr[/\\]bad\.yaml:\d+:\d+: .+/m);
  });

  it('exits 2 on a duplicate key, with its position', () => {
    write('dupkey.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  name: b\n');
    const r = run('analyze', '-f', 'dupkey.yaml');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^dupkey\.yaml:5:\d+: /m);
  });

  it('exits 2 on a file that cannot be read', () => {
    const r = run('analyze', '-f', 'does-not-exist.yaml');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('does-not-exist.yaml');
  });

  it('exits 2 on an unknown flag or a missing value', () => {
    expect(run('analyze', '--frobnicate').code).toBe(2);
    const r = run('analyze', '-o', 'xml', '-f', 'clean');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unsupported output format');
  });

  it('reads a Kustomize folder through its resources, skipping patches', () => {
    write('gitops/base/kustomization.yaml', 'resources:\n  - svc.yaml\n  - workloads\n');
    write('gitops/base/svc.yaml', service.replace('  namespace: shop\n', ''));
    write('gitops/base/workloads/deploy.yaml', deployment.replace('  namespace: shop\n', ''));
    write('gitops/base/unlisted.yaml', badVs); // not in resources: must not be read
    write('gitops/overlay/kustomization.yaml', 'namespace: shop\nresources:\n  - ../base\n  - routes.yaml\npatches:\n  - path: patch.yaml\n');
    write('gitops/overlay/routes.yaml', [destinationRule, goodVs].join('---\n').replace(/ {2}namespace: shop\n/g, ''));
    write('gitops/overlay/patch.yaml', 'this: is: not: valid: yaml: [\n');
    const r = run('analyze', '-f', 'gitops/overlay', '-o', 'json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const findings = JSON.parse(r.stdout) as Array<{ resource: string }>;
    expect(findings.some((f) => f.resource.includes('reviews+v9'))).toBe(false);
  });

  it('reports a Kustomize resource that does not exist as bad input', () => {
    write('kbad/kustomization.yaml', 'resources:\n  - missing.yaml\n');
    const r = run('analyze', '-f', 'kbad');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('missing.yaml');
  });

  it('uses a mesh config file', () => {
    write(
      'mc/se.yaml',
      `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: db, namespace: shop}
spec:
  hosts: [db.example.com]
  ports: [{number: 5432, name: tcp, protocol: TCP}]
  resolution: DNS
`,
    );
    write('mc/mesh.yaml', 'defaultConfig:\n  proxyMetadata:\n    ISTIO_META_DNS_CAPTURE: "true"\n    ISTIO_META_DNS_AUTO_ALLOCATE: "true"\n');
    const without = JSON.parse(run('analyze', '-f', 'mc/se.yaml', '-o', 'json').stdout) as Array<{ code: string }>;
    expect(without.map((f) => f.code)).toContain('IST0134');
    const withMc = JSON.parse(run('analyze', '-f', 'mc/se.yaml', '--mesh-config', 'mc/mesh.yaml', '-o', 'json').stdout) as Array<{ code: string }>;
    expect(withMc.map((f) => f.code)).not.toContain('IST0134');
  });

  it('explains --context when lib/k8s is not there (exit 2)', () => {
    const r = run('analyze', '--context', 'kind-test');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--context');
  });

  it('prints help', () => {
    const r = run('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('meshboard analyze');
  });

  const gatewayNoWorkload = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw, namespace: shop}
spec:
  selector: {istio: nothing-here}
  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: ["shop.example.com"]
    tls: {mode: SIMPLE, credentialName: shop-cert}
`;

  it('prints a finding two analyzers both report once, as istioctl does', () => {
    write('dup/gw.yaml', gatewayNoWorkload);
    const r = run('analyze', '-f', 'dup/gw.yaml');
    const lines = r.stdout.split('\n').filter((l) => l.includes('[IST0101]') && l.includes('selector'));
    expect(lines).toEqual(['Error [IST0101] (Gateway shop/gw dup/gw.yaml:5) Referenced selector not found: "istio=nothing-here"']);
    expect(r.code).toBe(1);
  });

  it('checks credentialName only where the files hold Secrets (as istioctl without a cluster), and says why with -v', () => {
    const gw = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: public, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: ["shop.example.com"]
    tls: {mode: SIMPLE, credentialName: shop-cert}
`;
    write('creds/gw.yaml', gw);
    const missing = (r: { stdout: string }) => r.stdout.split('\n').filter((l) => l.includes('credentialName'));
    const plain = run('analyze', '-f', 'creds/gw.yaml');
    expect(missing(plain)).toEqual([]);
    expect(plain.stderr).toBe('');
    const verbose = run('analyze', '-v', '-f', 'creds/gw.yaml');
    expect(verbose.stderr).toContain('skipped gateway.SecretAnalyzer: it needs Secret, and the files hold no Secret');
    // With a Secret among the files, the one that is not there is reported.
    write('creds/secret.yaml', 'apiVersion: v1\nkind: Secret\nmetadata: {name: other-cert, namespace: istio-system}\ntype: Opaque\n');
    const withSecrets = run('analyze', '-f', 'creds');
    expect(missing(withSecrets)).toEqual(['Error [IST0101] (Gateway istio-system/public creds/gw.yaml:9) Referenced credentialName not found: "shop-cert"']);
    expect(withSecrets.code).toBe(1);
  });

  it('prints YAML with -o yaml', () => {
    const r = run('analyze', '-f', 'broken', '-o', 'yaml');
    expect(r.code).toBe(1);
    const findings = parseYaml(r.stdout) as Array<Record<string, unknown>>;
    expect(findings).toContainEqual({
      code: 'IST0101',
      level: 'Error',
      message: 'Referenced host+subset in destinationrule not found: "reviews+v9"',
      resource: 'VirtualService shop/reviews',
      path: 'spec/http[0]/route[0]/destination/subset',
    });
  });

  it('honours --output-threshold and --failure-threshold as istioctl spells them', () => {
    const all = JSON.parse(run('analyze', '-f', 'warn/gw.yaml', '-o', 'json').stdout) as Array<{ level: string }>;
    expect(all.some((f) => f.level === 'Warning')).toBe(true);
    const errorsOnly = run('analyze', '-f', 'warn/gw.yaml', '--output-threshold', 'Error');
    expect(errorsOnly.stdout).toContain('No validation issues found');
    expect(errorsOnly.code).toBe(0);
    // The exit status counts every finding, printed or not (istioctl keeps the two apart too).
    expect(run('analyze', '-f', 'warn/gw.yaml', '--output-threshold=ERROR', '--failure-threshold=warning').code).toBe(1);
    const bad = run('analyze', '-f', 'warn/gw.yaml', '--failure-threshold', 'Severe');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('invalid level');
  });

  it('reports one namespace with -n and refuses -A together with -n', () => {
    write('ns/two.yaml', [badVs, badVs.replace('namespace: shop', 'namespace: other')].join('---\n'));
    const shop = JSON.parse(run('analyze', '-f', 'ns/two.yaml', '-o', 'json', '-n', 'shop').stdout) as Array<{ resource: string }>;
    expect(shop.length).toBeGreaterThan(0);
    expect(shop.every((f) => f.resource.includes(' shop/'))).toBe(true);
    const both = JSON.parse(run('analyze', '-f', 'ns/two.yaml', '-o', 'json').stdout) as Array<{ resource: string }>;
    expect(both.some((f) => f.resource.includes(' other/'))).toBe(true);
    const r = run('analyze', '-f', 'ns/two.yaml', '-A', '-n', 'shop');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('exclude each other');
  });

  it('leaves no process behind when it exits', async () => {
    // In its own process group: whatever it starts (a build, a helper) shares the group id.
    const child = spawn(process.execPath, [bin, 'analyze', '-f', 'broken'], { cwd: tmp, detached: true, stdio: 'ignore' });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    const pgid = child.pid as number;
    const inGroup = readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .filter((d) => {
        try {
          // /proc/PID/stat: "pid (comm) state ppid pgrp ..."; comm may hold spaces, so split after the last ")".
          const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
          return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) === pgid;
        } catch {
          return false;
        }
      });
    expect(inGroup).toEqual([]);
  });
});

describe('argument parsing', () => {
  it('accepts repeated -f, plain paths, --flag=value and comma-separated analyzers', () => {
    const o = parseArgs(['analyze', '-f', 'a', 'b', '--filename=c', '--mesh-config', 'm.yaml', '-o', 'json', '--analyzer', 'x,y']);
    expect(o.files).toEqual(['a', 'b', 'c']);
    expect(o.meshConfig).toBe('m.yaml');
    expect(o.output).toBe('json');
    expect(o.analyzers).toEqual(['x', 'y']);
  });
  it('rejects unknown flags and missing values', () => {
    expect(() => parseArgs(['analyze', '--nope'])).toThrow(UsageError);
    expect(() => parseArgs(['analyze', '-f'])).toThrow(UsageError);
    expect(() => parseArgs(['frobnicate'])).toThrow(UsageError);
  });
});

describe('positions of reported findings (one document parsed again, not the file)', () => {
  const text = `# a comment-only document
---
apiVersion: v1
kind: ConfigMap
metadata: {name: a, namespace: shop}
data:
  script: |
    echo ---
    line two
...
---
# leading comment
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
  namespace: shop
spec:
  hosts: [reviews]
  http:
  - route:
    - destination:
        host: reviews
        subset: v9
--- {apiVersion: v1, kind: Service, metadata: {name: s, namespace: shop}}
`;
  it('gives the same line and column as parsing the whole file', () => {
    const fast = new SourceFile('f.yaml', text);
    const whole = parseYamlDocuments(text);
    const docs = nonEmptyDocuments(whole);
    expect(docs).toHaveLength(3);
    const cases: Array<[number, string | undefined]> = [
      [0, undefined],
      [0, 'data/script'],
      [1, undefined],
      [1, 'spec/http[0]/route[0]/destination/subset'],
      [1, 'spec/hosts[0]'],
      [2, 'metadata/name'],
    ];
    for (const [i, p] of cases) {
      const d = docs[i]!;
      const r = p ? rangeOfPath(d.doc, whole.lineCounter, p) : d.range;
      expect(fast.position(i, p), `${i} ${p}`).toEqual({ line: r.startLine, column: r.startColumn });
    }
    expect(fast.position(1, 'spec/http[0]/route[0]/destination/subset').line).toBe(24);
  });
});
