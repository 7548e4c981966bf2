import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { stringify } from 'yaml';
import { test, expect } from '../fixtures';
import { readManifests, remapNamespaces } from '../cluster/seed';
import { editorText, lineOf, markers, waitForEditor } from '../support/editor';

const PLANTED = path.join(__dirname, '..', 'fixtures', 'mistakes', 'planted.yaml');
const REPO = path.join(__dirname, '..', '..');

/** A namespace with an HTTPS Gateway on the ingress gateway whose server names `credentialName`. */
const httpsGateway = (ns: string, credentialName: string) => `apiVersion: v1
kind: Namespace
metadata: {name: ${ns}}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: public, namespace: ${ns}}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: ["${ns}.example.com"]
    tls: {mode: SIMPLE, credentialName: ${credentialName}}
`;

test.describe('validation engine in the UI and the CLI', () => {
  test('planted mistakes show on the Validations page, in the list, and as markers in the editor', async ({ page, kubectl, uniq }) => {
    const ns = uniq('planted');
    const objs = remapNamespaces(readManifests(PLANTED), { planted: ns });
    await kubectl(['apply', '-f', '-'], objs.map((o) => stringify(o)).join('---\n'));

    await page.goto(`/validations?ns=${ns}`);
    const group = page.getByTestId(`validations-ns-${ns}`);
    await expect(group).toContainText('Referenced host+subset in destinationrule not found: "shop+v2"');
    await expect(group).toContainText('Referenced gateway not found: "missing-gateway"');
    await expect(group).toContainText('add up to 90, not 100');
    await expect(group).toContainText(`PeerAuthentication ${ns}/default requires STRICT`);
    // Errors are listed before warnings.
    const text = await group.innerText();
    expect(text.indexOf('Error (')).toBeLessThan(text.indexOf('Warning ('));

    // The list shows counts per resource.
    await page.goto(`/config?ns=${ns}`);
    const badges = page.getByTestId(`findings-VirtualService-${ns}-shop`);
    await expect(badges).toContainText('✖ 1');
    await expect(badges).toContainText('▲ 1');
    await expect(page.getByTestId(`findings-PeerAuthentication-${ns}-default`)).toContainText('✓');

    // A finding links to its field: the editor opens with a marker on that line.
    await page.goto(`/validations?ns=${ns}`);
    await page.getByTestId('finding').filter({ hasText: 'shop+v2' }).getByRole('link').click();
    await expect(page).toHaveURL(/virtualservices\/.*\/shop\?.*path=spec/);
    await waitForEditor(page);
    const yaml = await editorText(page);
    const subsetLine = lineOf(yaml, 'subset: v2');
    await expect.poll(async () => (await markers(page)).some((m) => m.line === subsetLine && m.message.includes('shop+v2'))).toBe(true);
    const selected = await page.evaluate(() => (window as any).__meshboardMonaco.editor.getEditors()[0].getSelection().startLineNumber);
    expect(selected).toBe(subsetLine);
  });

  test('fixing the mistake in the editor clears the finding live', async ({ page, kubectl, uniq }) => {
    const ns = uniq('planted-fix');
    const objs = remapNamespaces(readManifests(PLANTED), { planted: ns });
    await kubectl(['apply', '-f', '-'], objs.map((o) => stringify(o)).join('---\n'));
    await page.goto(`/validations?ns=${ns}`);
    await expect(page.getByTestId(`validations-ns-${ns}`)).toContainText('missing-gateway');
    // Someone creates the missing Gateway with kubectl: the finding goes away without a reload.
    await kubectl(
      ['apply', '-f', '-'],
      `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: missing-gateway, namespace: ${ns}}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: [shop.example.com]
`,
    );
    await expect(page.getByTestId(`validations-ns-${ns}`)).not.toContainText('Referenced gateway not found', { timeout: 15_000 });
    await expect(page.getByTestId(`validations-ns-${ns}`)).toContainText('shop+v2');
  });

  test('`meshboard analyze --context` reads the live cluster (-A, -n as istioctl) and exits 1 on an Error finding', async ({ env, kubectl, uniq }) => {
    const ns = uniq('planted-cli');
    const objs = remapNamespaces(readManifests(PLANTED), { planted: ns });
    await kubectl(['apply', '-f', '-'], objs.map((o) => stringify(o)).join('---\n'));
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, [path.join(REPO, 'lib', 'cli', 'meshboard.mjs'), 'analyze', '--context', 'viewer', '-o', 'json', ...args], {
        env: { ...process.env, KUBECONFIG: env.kubeconfig },
        encoding: 'utf8',
        cwd: REPO,
      });
    const one = cli('-n', ns);
    expect(one.status, one.stderr).toBe(1);
    const inNs = JSON.parse(one.stdout) as Array<{ resource: string }>;
    expect(inNs.length).toBeGreaterThan(0);
    // Findings about other namespaces are left out; cluster-scoped resources have no namespace in their name.
    expect(inNs.filter((f) => /^\S+ [^/\s]+\//.test(f.resource) && !f.resource.includes(` ${ns}/`))).toEqual([]);
    const r = cli('-A');
    expect(r.status, r.stderr).toBe(1);
    const findings = JSON.parse(r.stdout) as Array<{ code: string; resource: string; path?: string }>;
    expect(findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'IST0101', resource: `VirtualService ${ns}/shop`, path: 'spec/http[0]/route[1]/destination/subset' }),
        expect.objectContaining({ code: 'IST0101', resource: `VirtualService ${ns}/shop-public` }),
      ]),
    );
  });

  test("the console checks a gateway's credentialName against the Secrets' names, live", async ({ page, kubectl, uniq }) => {
    const ns = uniq('creds-ui');
    const cert = `${ns}-cert`;
    await kubectl(['apply', '-f', '-'], httpsGateway(ns, cert));
    const missing = `Referenced credentialName not found: "${cert}"`;
    await page.goto(`/validations?ns=${ns}`);
    await expect(page.getByTestId(`validations-ns-${ns}`)).toContainText(missing);
    // The Secret is created with kubectl apply (its data also sits in an annotation): the finding goes, without a reload.
    const secret = `apiVersion: v1
kind: Secret
metadata: {name: ${cert}, namespace: istio-system}
type: kubernetes.io/tls
data: {tls.crt: ${Buffer.from('not a certificate').toString('base64')}, tls.key: ${Buffer.from('not a key').toString('base64')}}
`;
    await kubectl(['apply', '-f', '-'], secret);
    try {
      await expect(page.getByText(missing)).toHaveCount(0, { timeout: 30_000 });
      // ...and comes back when the Secret is deleted.
      await kubectl(['delete', 'secret', '-n', 'istio-system', cert]);
      await expect(page.getByTestId(`validations-ns-${ns}`)).toContainText(missing, { timeout: 30_000 });
    } finally {
      await kubectl(['delete', 'secret', '-n', 'istio-system', cert, '--ignore-not-found']);
    }
  });

  test('`meshboard analyze --context` reads Secrets as istioctl does, and says which kinds a context may not list', async ({ env, kubectl, uniq }) => {
    const ns = uniq('creds-cli');
    await kubectl(['apply', '-f', '-'], httpsGateway(ns, `${ns}-missing`));
    const cli = (context: string) =>
      spawnSync(process.execPath, [path.join(REPO, 'lib', 'cli', 'meshboard.mjs'), 'analyze', '--context', context, '-n', ns, '-o', 'json'], {
        env: { ...process.env, KUBECONFIG: env.kubeconfig },
        encoding: 'utf8',
        cwd: REPO,
      });
    const missing = (stdout: string) => (JSON.parse(stdout) as Array<{ code: string; message: string }>).filter((f) => f.message.includes('credentialName'));
    // admin may list Secrets: the one that is not there is reported, as istioctl reports it.
    const admin = cli('admin');
    expect(admin.stderr).toBe('');
    expect(missing(admin.stdout)).toEqual([expect.objectContaining({ code: 'IST0101', message: `Referenced credentialName not found: "${ns}-missing"` })]);
    // viewer (ClusterRole view) may not: it is told so, and no credentialName reads as missing.
    const viewer = cli('viewer');
    expect(viewer.stderr).toMatch(/^warning: context viewer may not list .*\bSecret\b.*: findings that need them are missing$/m);
    expect(missing(viewer.stdout)).toEqual([]);
  });
});
