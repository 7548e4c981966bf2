/**
 * Faults between Meshboard and what it talks to. This spec starts its own Meshboard
 * against the shared local control plane and Prometheus, each behind a fault proxy on
 * loopback (e2e/support/fault-proxy.ts) that the tests switch: answers lost after the
 * API server stored a write, an unreachable API server, a slow one, a Prometheus that
 * hangs or answers garbage. Assertions are on what the user sees and on what the API
 * server stored (read with kubectl, which talks to it directly, past the proxy).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, type Kubectl } from '../fixtures';
import { startApp, type RunningApp } from '../support/app';
import { DR, pasteIntoEditor, waitForEditor } from '../support/editor';
import { startFaultProxy, type FaultProxy, type RequestMatch, type SeenRequest } from '../support/fault-proxy';
import { readState } from '../support/state';

let kube: FaultProxy;
let prom: FaultProxy;
let app: RunningApp;
let dir: string;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  const env = readState();
  if (!env.prometheusUrl) throw new Error('the global setup started no Prometheus');
  kube = await startFaultProxy(env.server);
  prom = await startFaultProxy(env.prometheusUrl);
  // The same cluster and user, reached through the proxy (plain HTTP on loopback).
  dir = mkdtempSync(path.join(tmpdir(), 'meshboard-faults-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  const original = readFileSync(env.kubeconfig, 'utf8');
  const proxied = original.replace(/server: \S+/, `server: ${kube.url}`).replace(/certificate-authority-data: \S+/, 'insecure-skip-tls-verify: true');
  if (proxied === original || !proxied.includes(kube.url)) throw new Error(`could not point the kubeconfig at the proxy:\n${original}`);
  writeFileSync(kubeconfig, proxied, { mode: 0o600 });
  app = await startApp({ kubeconfig, env: { PROMETHEUS_URL: prom.url } });
});

/** Does any object inside `v` have both values (e.g. a kind and a namespace)? */
function holds(v: unknown, a: string, b: string): boolean {
  if (Array.isArray(v)) return v.some((x) => holds(x, a, b));
  if (!v || typeof v !== 'object') return false;
  const values = Object.values(v);
  return (values.includes(a) && values.includes(b)) || values.some((x) => holds(x, a, b));
}

/** Is a Namespace object called `name` anywhere inside `v`? */
function namespaceIn(v: unknown, name: string): boolean {
  if (Array.isArray(v)) return v.some((x) => namespaceIn(x, name));
  if (!v || typeof v !== 'object') return false;
  const o = v as { kind?: unknown; metadata?: { name?: unknown } };
  return (o.kind === 'Namespace' && o.metadata?.name === name) || Object.values(v).some((x) => namespaceIn(x, name));
}

/**
 * After a fault, wait until this Meshboard's watch cache follows the cluster again
 * (its watches reconnect with a backoff of up to 4 s): a namespace, a PeerAuthentication
 * and a DestinationRule made now must show in its API. Otherwise the next test could
 * open a form from a cache that has not seen its namespace yet.
 */
async function consoleCaughtUp(kubectl: Kubectl, probe: string) {
  await kubectl(['create', 'namespace', probe]);
  await kubectl(['apply', '-f', '-'], `${PA(probe, 'PERMISSIVE')}---\n${DR(probe, 'probe', 'ISTIO_MUTUAL')}`);
  await expect
    .poll(
      async () => {
        const config = await (await fetch(`${app.url}/api/config`)).json();
        const mesh = await (await fetch(`${app.url}/api/mesh?namespaces=${probe}`)).json();
        return holds(config, 'PeerAuthentication', probe) && holds(config, 'DestinationRule', probe) && namespaceIn(mesh, probe);
      },
      { timeout: 60_000, intervals: [500, 1000, 2000] },
    )
    .toBe(true);
}

test.afterEach(async ({ kubectl, uniq }) => {
  await kube?.pass();
  await prom?.pass();
  if (app) await consoleCaughtUp(kubectl, uniq('fault-probe'));
});

test.afterAll(async () => {
  await app?.stop();
  await kube?.close();
  await prom?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Writes (not dry runs) whose path contains `fragment`. */
const writesTo =
  (fragment: string): RequestMatch =>
  ({ method, url }) =>
    (method === 'PUT' || method === 'POST') && url.includes(fragment) && !/[?&]dryRun=/.test(url);

/** Writes to `fragment` the API server accepted (seen by the proxy, answered 2xx), whether or not the answer reached Meshboard. */
const stored = (fragment: string) =>
  kube.seen.filter((r: SeenRequest) => writesTo(fragment)(r) && (r.upstreamStatus ?? 0) >= 200 && (r.upstreamStatus ?? 0) < 300).length;

async function getJson(kubectl: Kubectl, args: string[]): Promise<any> {
  return JSON.parse(await kubectl(['get', ...args, '-o', 'json']));
}

const PA = (ns: string, mode: string) => `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: ${ns}}
spec:
  mtls: {mode: ${mode}}
`;

async function seedNamespace(kubectl: Kubectl, ns: string, manifest: string) {
  await kubectl(['create', 'namespace', ns]);
  await kubectl(['apply', '-f', '-'], manifest);
}

/** Open the mTLS form for `ns`, choose STRICT and dry-run it: the review is on screen. */
async function mtlsReview(page: Page, ns: string) {
  await page.goto(`${app.url}/forms/mtls?ns=${ns}`);
  await expect(page.getByTestId('effective-mtls')).toContainText(`PERMISSIVE — from PeerAuthentication ${ns}/default (namespace-wide)`, { timeout: 30_000 });
  await page.getByTestId('field-mode').selectOption('STRICT');
  await page.getByTestId('dry-run-button').click();
  await expect(page.getByTestId('review-panel')).toContainText('accepted', { timeout: 30_000 });
}

/** Open a DestinationRule in the editor, change its TLS mode and review: the dry run is accepted. */
async function editorReview(page: Page, ns: string, name: string, mode: string) {
  await page.goto(`${app.url}/config/networking.istio.io/v1/destinationrules/${ns}/${name}`);
  await waitForEditor(page);
  await pasteIntoEditor(page, DR(ns, name, mode));
  await expect(page.getByTestId('editor-status')).toContainText('No errors', { timeout: 30_000 });
  await page.getByTestId('review-button').click();
  await expect(page.getByTestId('review-panel')).toContainText('accepted', { timeout: 30_000 });
}

test.describe('faults between Meshboard and the API server', () => {
  test('a form apply whose answer is lost after the API server stored it: outcome unknown, re-check shows it, stored once', async ({ page, kubectl, uniq }) => {
    const ns = uniq('fault-form');
    await seedNamespace(kubectl, ns, PA(ns, 'PERMISSIVE'));
    const before = await getJson(kubectl, ['peerauthentication', 'default', '-n', ns]);
    await mtlsReview(page, ns);

    const target = `/namespaces/${ns}/peerauthentications/default`;
    await kube.set({ kind: 'lose-answer' }, writesTo(target));
    await page.getByTestId('apply-button').click();
    const unknown = page.getByTestId('outcome-unknown');
    await expect(unknown).toContainText(`No answer about PeerAuthentication ${ns}/default: it may or may not have been written`, { timeout: 30_000 });
    // Not reported as a refusal, nor as "not sent".
    await expect(page.getByTestId('error-box')).toHaveCount(0);
    await expect(page.getByTestId('not-sent')).toHaveCount(0);
    await expect(page.getByTestId('partial-result')).toContainText(`Unknown: PeerAuthentication ${ns}/default (no answer; it may have been written)`);
    await expect(page.getByTestId('partial-result')).not.toContainText('Nothing was written');
    await expect(page.getByTestId('unknown-advice')).toContainText('never applied twice');

    // The API server did store it, once.
    const after = await getJson(kubectl, ['peerauthentication', 'default', '-n', ns]);
    expect(after.spec.mtls.mode).toBe('STRICT');
    expect(after.metadata.uid).toBe(before.metadata.uid);
    expect(after.metadata.resourceVersion).not.toBe(before.metadata.resourceVersion);
    expect(after.metadata.generation).toBe(before.metadata.generation + 1);
    expect(stored(target)).toBe(1);

    // Re-check, with the API server answering again: the form reads what is stored.
    await kube.pass();
    await page.getByTestId('reload-form').click();
    await expect(page.getByTestId('outcome-unknown')).toHaveCount(0);
    await expect(page.getByTestId('effective-mtls')).toContainText(`STRICT — from PeerAuthentication ${ns}/default (namespace-wide)`, { timeout: 30_000 });
    await expect(page.getByTestId('field-mode')).toHaveValue('STRICT');
    await expect(page.getByTestId('form-preview-empty')).toContainText('Nothing to change');

    // Nothing is left to apply, and nothing was written twice.
    const end = await getJson(kubectl, ['peerauthentication', 'default', '-n', ns]);
    expect(end.metadata.resourceVersion).toBe(after.metadata.resourceVersion);
    expect(end.metadata.generation).toBe(after.metadata.generation);
    expect(stored(target)).toBe(1);
  });

  test('an editor save whose answer is lost: outcome unknown (not "refused"); reviewing again re-checks it as a conflict; stored once', async ({
    page,
    kubectl,
    uniq,
  }) => {
    const ns = uniq('fault-ed');
    await seedNamespace(kubectl, ns, DR(ns, 'reviews', 'ISTIO_MUTUAL'));
    const before = await getJson(kubectl, ['destinationrule', 'reviews', '-n', ns]);
    await editorReview(page, ns, 'reviews', 'DISABLE');

    const target = `/namespaces/${ns}/destinationrules/reviews`;
    await kube.set({ kind: 'lose-answer' }, writesTo(target));
    await page.getByTestId('apply-button').click();
    const unknown = page.getByTestId('editor-outcome-unknown');
    await expect(unknown).toContainText('it may or may not have been stored', { timeout: 30_000 });
    await expect(unknown).toContainText('if the change was stored the API server refuses a second one');
    await expect(page.getByTestId('error-box')).toContainText('No answer about the write');
    await expect(page.getByText('The API server refused the change')).toHaveCount(0);
    await expect(page.getByText('Not sent')).toHaveCount(0);

    const after = await getJson(kubectl, ['destinationrule', 'reviews', '-n', ns]);
    expect(after.spec.trafficPolicy.tls.mode).toBe('DISABLE');
    expect(after.metadata.resourceVersion).not.toBe(before.metadata.resourceVersion);
    expect(after.metadata.generation).toBe(before.metadata.generation + 1);
    expect(stored(target)).toBe(1);

    // Re-check: the review is based on the old version, so the API server reports the stored change instead of writing again.
    await kube.pass();
    await page.getByTestId('review-button').click();
    await expect(page.getByTestId('conflict-view')).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('conflict-view')).toContainText(after.metadata.resourceVersion);
    const end = await getJson(kubectl, ['destinationrule', 'reviews', '-n', ns]);
    expect(end.metadata.resourceVersion).toBe(after.metadata.resourceVersion);
    expect(stored(target)).toBe(1);
  });

  test('the API server unreachable during a form apply: "not sent", nothing changed; Try again succeeds once it is back', async ({ page, kubectl, uniq }) => {
    test.setTimeout(120_000);
    const ns = uniq('fault-down');
    await seedNamespace(kubectl, ns, PA(ns, 'PERMISSIVE'));
    const before = await getJson(kubectl, ['peerauthentication', 'default', '-n', ns]);
    await mtlsReview(page, ns);

    const target = `/namespaces/${ns}/peerauthentications/default`;
    await kube.set({ kind: 'refuse' });
    await page.getByTestId('apply-button').click();
    const notSent = page.getByTestId('not-sent');
    await expect(notSent).toContainText(`The write of PeerAuthentication ${ns}/default was not sent: the API server could not be reached`, { timeout: 30_000 });
    await expect(notSent).toContainText('nothing changed');
    await expect(page.getByTestId('outcome-unknown')).toHaveCount(0);
    await expect(page.getByTestId('partial-result')).toContainText('Nothing was written.');
    await expect(page.getByTestId('partial-result')).toContainText(`Not applied: PeerAuthentication ${ns}/default (not sent)`);
    const during = await getJson(kubectl, ['peerauthentication', 'default', '-n', ns]);
    expect(during.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(during.spec.mtls.mode).toBe('PERMISSIVE');
    expect(stored(target)).toBe(0);

    await kube.pass();
    // The console notices by itself that the API server is back (its watches reconnect).
    await expect(page.getByTestId('connection-banner')).toHaveCount(0, { timeout: 60_000 });
    await page.getByTestId('retry-apply').click();
    await expect(page.getByTestId('apply-success')).toContainText(`PeerAuthentication ${ns}/default`, { timeout: 30_000 });
    const after = await getJson(kubectl, ['peerauthentication', 'default', '-n', ns]);
    expect(after.spec.mtls.mode).toBe('STRICT');
    expect(after.metadata.generation).toBe(before.metadata.generation + 1);
    expect(stored(target)).toBe(1);
  });

  test('the API server unreachable during an editor save: "not sent", nothing changed; review and apply again succeed once it is back', async ({
    page,
    kubectl,
    uniq,
  }) => {
    test.setTimeout(120_000);
    const ns = uniq('fault-eddown');
    await seedNamespace(kubectl, ns, DR(ns, 'ratings', 'ISTIO_MUTUAL'));
    const before = await getJson(kubectl, ['destinationrule', 'ratings', '-n', ns]);
    await editorReview(page, ns, 'ratings', 'SIMPLE');

    const target = `/namespaces/${ns}/destinationrules/ratings`;
    await kube.set({ kind: 'refuse' });
    await page.getByTestId('apply-button').click();
    const box = page.getByTestId('error-box');
    await expect(box).toContainText('Not sent: the API server could not be reached. Nothing changed; review and apply again once it is back', {
      timeout: 30_000,
    });
    await expect(box).toContainText('ECONNREFUSED');
    await expect(page.getByTestId('editor-outcome-unknown')).toHaveCount(0);
    await expect(page.getByText('The API server refused the change')).toHaveCount(0);
    expect((await getJson(kubectl, ['destinationrule', 'ratings', '-n', ns])).metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(stored(target)).toBe(0);

    await kube.pass();
    await expect(page.getByTestId('connection-banner')).toHaveCount(0, { timeout: 60_000 });
    await page.getByTestId('review-button').click();
    await expect(page.getByTestId('review-panel')).toContainText('accepted', { timeout: 30_000 });
    await page.getByTestId('apply-button').click();
    await expect(page.getByTestId('editor-notice')).toContainText('Applied. The API server stored resourceVersion', { timeout: 30_000 });
    const after = await getJson(kubectl, ['destinationrule', 'ratings', '-n', ns]);
    expect(after.spec.trafficPolicy.tls.mode).toBe('SIMPLE');
    expect(after.metadata.generation).toBe(before.metadata.generation + 1);
    expect(stored(target)).toBe(1);
  });

  test('the HTTP API says whether a failed write was sent: details.sent false when refused, true when the answer was lost; a retry is a conflict', async ({
    request,
    kubectl,
    uniq,
  }) => {
    const ns = uniq('fault-api');
    await kubectl(['create', 'namespace', ns]);
    const url = `${app.url}/api/resources/networking.istio.io/v1/virtualservices/${ns}`;
    const headers = { Origin: app.url, 'Content-Type': 'application/json' };
    const vs = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'api', namespace: ns },
      spec: { hosts: ['api'], http: [{ route: [{ destination: { host: 'api' } }] }] },
    };

    await kube.set({ kind: 'refuse' });
    const refused = await request.post(url, { headers, data: vs });
    expect(refused.status()).toBe(503);
    expect(await refused.json()).toMatchObject({ reason: 'ServiceUnavailable', details: { sent: false } });
    expect((await kubectl.raw(['get', 'virtualservice', 'api', '-n', ns])).stderr).toContain('NotFound');

    await kube.set({ kind: 'lose-answer' }, writesTo(`/namespaces/${ns}/virtualservices`));
    const lost = await request.post(url, { headers, data: vs });
    expect(lost.status()).toBe(503);
    const lostBody = await lost.json();
    expect(lostBody).toMatchObject({ details: { sent: true } });
    expect(lostBody.message).toContain('after the request was sent');
    const created = await getJson(kubectl, ['virtualservice', 'api', '-n', ns]);

    // Sending the same create again is refused (AlreadyExists), never a second object.
    await kube.pass();
    const again = await request.post(url, { headers, data: vs });
    expect(again.status()).toBe(409);
    expect((await again.json()).reason).toBe('AlreadyExists');
    expect((await getJson(kubectl, ['virtualservices', '-n', ns])).items).toHaveLength(1);
    expect((await getJson(kubectl, ['virtualservice', 'api', '-n', ns])).metadata.resourceVersion).toBe(created.metadata.resourceVersion);
  });

  test('a slow API server: the pages stay usable, say the API server is slow, and work normally once it is fast again', async ({ page, kubectl, uniq }) => {
    test.setTimeout(180_000);
    const ns = uniq('fault-slow');
    await seedNamespace(kubectl, ns, PA(ns, 'PERMISSIVE'));
    await page.goto(`${app.url}/forms/mtls?ns=${ns}`);
    await expect(page.getByTestId('effective-mtls')).toContainText(`PERMISSIVE — from PeerAuthentication ${ns}/default (namespace-wide)`, { timeout: 30_000 });

    // Every answer of the API server now takes 6 s.
    await kube.set({ kind: 'delay', seconds: 6 });
    await page.getByTestId('field-mode').selectOption('STRICT');
    await page.getByTestId('dry-run-button').click();
    await expect(page.getByTestId('dry-run-button')).toHaveText('Checking with the API server…');
    await expect(page.getByTestId('slow-notice')).toContainText('The API server is slow to answer: waiting for', { timeout: 30_000 });
    // The page is not stuck: the dry run can be cancelled and the form edited meanwhile.
    await page.getByTestId('cancel-dry-run').click();
    await expect(page.getByTestId('slow-notice')).toHaveCount(0);
    await page.getByTestId('field-mode').selectOption('DISABLE');
    await expect(page.getByTestId('form-preview')).toContainText('mode: DISABLE');
    // A slow answer is still an answer: the dry run completes.
    await page.getByTestId('dry-run-button').click();
    await expect(page.getByTestId('slow-notice')).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('review-panel')).toContainText('accepted', { timeout: 60_000 });
    await expect(page.getByTestId('slow-notice')).toHaveCount(0);

    // Other pages keep showing the cluster (from the console's watch cache) while the API server is slow.
    await page.goto(`${app.url}/config?q=${ns}`);
    await expect(page.getByTestId(`row-PeerAuthentication-${ns}-default`)).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('connection-banner')).toHaveCount(0);

    // Fast again: the form's dry run and apply go through.
    await kube.pass();
    await page.goto(`${app.url}/forms/mtls?ns=${ns}`);
    await expect(page.getByTestId('effective-mtls')).toContainText('PERMISSIVE', { timeout: 30_000 });
    await page.getByTestId('field-mode').selectOption('STRICT');
    await page.getByTestId('dry-run-button').click();
    await expect(page.getByTestId('review-panel')).toContainText('accepted', { timeout: 30_000 });
    await page.getByTestId('apply-button').click();
    await expect(page.getByTestId('apply-success')).toContainText(`PeerAuthentication ${ns}/default`, { timeout: 30_000 });
    expect((await getJson(kubectl, ['peerauthentication', 'default', '-n', ns])).spec.mtls.mode).toBe('STRICT');
  });
});

test.describe('faults between Meshboard and Prometheus', () => {
  const GW = 'gw:istio-system/istio-ingressgateway';
  const ROUTE = 'gateway-route:gw:istio-system/istio-ingressgateway->svc:sample/service-a#vs:sample/english/http[0]/route[0]';

  async function graphIsDrawn(page: Page) {
    await expect(page.getByTestId('graph-canvas')).toHaveAttribute('data-layout', 'final', { timeout: 60_000 });
    await expect(page.getByTestId(`node-${GW}`)).toContainText('istio-ingressgateway');
    await expect(page.getByTestId('node-svc:sample/service-a')).toContainText('service-a');
    await expect(page.getByTestId(`edge-${ROUTE}`)).toBeAttached();
  }

  for (const fault of ['hang', 'garbage'] as const) {
    test(`Prometheus that ${fault === 'hang' ? 'hangs' : 'answers garbage'}: the graph still shows the configuration, says traffic is unavailable, and recovers`, async ({
      page,
    }) => {
      test.setTimeout(240_000);
      await prom.set({ kind: fault });
      await page.goto(`${app.url}/graph?namespaces=sample`);
      await graphIsDrawn(page);
      const state = page.getByTestId('telemetry-state');
      // The telemetry of this app may still be cached from before (15 s): wait for the fault to show.
      await expect(state).toContainText('configuration only', { timeout: 90_000 });
      await expect(state).toContainText(`Prometheus at ${prom.url}`);
      if (fault === 'hang') await expect(state).toContainText('no answer within');
      await expect(page.getByTestId(`edge-label-${ROUTE}`)).not.toContainText('req/s');
      await expect(page.getByTestId('node-svc:sample/service-a')).toBeVisible();
      expect(prom.seen.some((r) => r.mode === fault)).toBe(true);

      // Prometheus is back: the page picks the traffic up by itself (next refresh), without a reload.
      await prom.pass();
      await expect(state).toContainText('telemetry: Prometheus, 5m window', { timeout: 120_000 });
      await expect(page.getByTestId(`edge-label-${ROUTE}`)).toContainText('req/s');
      await graphIsDrawn(page);
    });
  }
});
