/**
 * The forms on ambient mode and the Gateway API, in the browser against the local control
 * plane: scenario S5 (Bookinfo on ambient, a waypoint used by reviews and productpage, the
 * HTTPRoute reviews 90/10) seeded into a fresh namespace per test (the demo's bookinfo is
 * left as the other specs read it), and S4 (a sidecar namespace) for the Ambient form.
 * Every test fills a form, dry-runs, applies, and reads the result back with kubectl.
 */
import path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, type Kubectl } from '../fixtures';
import { FIXTURES, readManifests, remapNamespaces, seedAmbientScenario, seedObjects } from '../cluster/seed';
import { clusterOf } from '../support/state';

async function getJson(kubectl: Kubectl, args: string[]): Promise<any> {
  return JSON.parse(await kubectl(['get', ...args, '-o', 'json']));
}

async function dryRunAndApply(page: Page, writes: number) {
  await page.getByTestId('dry-run-button').click();
  await expect(page.getByTestId('review-panel')).toContainText('accepted', { timeout: 30_000 });
  await expect(page.getByTestId('write-diff')).toHaveCount(writes);
  await page.getByTestId('apply-button').click();
  await expect(page.getByTestId('apply-success')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('apply-reread')).toHaveText('The form below now starts from the new state.', { timeout: 30_000 });
}

test.describe('Mesh tasks on ambient mode and the Gateway API', () => {
  test('traffic shifting (S5): 50/50 edits the HTTPRoute reviews in place; no VirtualService or DestinationRule is written', async ({
    page,
    env,
    kubectl,
    uniq,
  }) => {
    const ns = uniq('amb-ts');
    await seedAmbientScenario(clusterOf(env), ns);
    const before = await getJson(kubectl, ['httproute', 'reviews', '-n', ns]);

    await page.goto(`/forms/traffic?ns=${ns}&service=reviews`);
    await expect(page.getByTestId('traffic-owners')).toContainText(`edits HTTPRoute ${ns}/reviews in place`);
    await expect(page.getByTestId('subset-reviews-v1').getByRole('spinbutton')).toHaveValue('90');
    await expect(page.getByTestId('subset-reviews-v2').getByRole('spinbutton')).toHaveValue('10');
    await page.getByTestId('canary-from').selectOption('reviews-v1');
    await page.getByTestId('canary-to').selectOption('reviews-v2');
    await page.getByTestId('canary-50-50').click();
    await expect(page.getByTestId('weights-total')).toHaveText('100%');
    await dryRunAndApply(page, 1);

    const after = await getJson(kubectl, ['httproute', 'reviews', '-n', ns]);
    expect(after.spec.parentRefs).toEqual(before.spec.parentRefs);
    expect(after.spec.rules.map((r: any) => r.backendRefs.map((b: any) => [b.name, b.port, b.weight]))).toEqual([
      [
        ['reviews-v1', 9080, 50],
        ['reviews-v2', 9080, 50],
      ],
    ]);
    expect((await getJson(kubectl, ['virtualservices', '-n', ns])).items.map((v: any) => v.metadata.name)).toEqual(['details']);
    expect((await getJson(kubectl, ['destinationrules', '-n', ns])).items).toEqual([]);
    // Read back by the form: it starts from 50/50 now.
    await expect(page.getByTestId('subset-reviews-v1').getByRole('spinbutton')).toHaveValue('50');
  });

  test('caller restrictions (S5): reviews has a waypoint, so the policy targets the Service (targetRefs) for it', async ({ page, env, kubectl, uniq }) => {
    const ns = uniq('amb-authz');
    await seedAmbientScenario(clusterOf(env), ns);

    await page.goto(`/forms/callers?ns=${ns}&workload=reviews-v1`);
    await expect(page.getByTestId('callers-enforcement')).toHaveAttribute('data-enforcement', 'waypoint');
    await expect(page.getByTestId('callers-owner')).toContainText(
      'Creates an ALLOW AuthorizationPolicy with targetRefs Service reviews, enforced by its waypoint',
    );
    await page.getByTestId('add-namespace-pick').selectOption(ns);
    await page.getByTestId('add-namespace').click();
    await expect(page.getByTestId('form-warnings')).toContainText(`Enforced by Gateway ${ns}/waypoint`);
    await dryRunAndApply(page, 1);

    const ap = await getJson(kubectl, ['authorizationpolicy', 'reviews-callers', '-n', ns]);
    expect(ap.spec).toEqual({ targetRefs: [{ kind: 'Service', group: '', name: 'reviews' }], rules: [{ from: [{ source: { namespaces: [ns] } }] }] });
    await expect(page.getByTestId('callers-owner')).toContainText(`Edits AuthorizationPolicy ${ns}/reviews-callers in place`);

    // ratings has no waypoint: a selector policy, and the form says L7 needs one.
    await page.goto(`/forms/callers?ns=${ns}&workload=ratings-v1`);
    await expect(page.getByTestId('callers-enforcement')).toHaveAttribute('data-enforcement', 'ztunnel');
    await expect(page.getByTestId('callers-enforcement')).toContainText('Conditions on paths, methods or headers need a waypoint');
    await expect(page.getByTestId('callers-owner')).toContainText('Creates an ALLOW AuthorizationPolicy for the pods with app=ratings');
  });

  test('expose (S5, Gateway API): details through the existing bookinfo Gateway as an HTTPRoute with rewrite and timeout', async ({
    page,
    env,
    kubectl,
    uniq,
  }) => {
    const ns = uniq('amb-expose');
    await seedAmbientScenario(clusterOf(env), ns);
    const gatewayBefore = await getJson(kubectl, ['gateways.gateway.networking.k8s.io', 'bookinfo-gateway', '-n', ns]);
    const bookinfoRouteBefore = await getJson(kubectl, ['httproute', 'bookinfo', '-n', ns]);

    await page.goto(`/forms/expose?ns=${ns}&service=details`);
    // The mesh is ambient with a Gateway API ingress: the form starts there.
    await expect(page.getByTestId('api-hint')).toContainText('Suggested: Gateway API');
    await expect(page.getByTestId('field-api').getByLabel('Gateway API Gateway + HTTPRoute')).toBeChecked();
    await expect(page.getByTestId('field-gateway-name')).toHaveValue(`${ns}/bookinfo-gateway`);
    await expect(page.getByTestId('gateway-listeners')).toContainText('http');
    await expect(page.getByTestId('field-httpRouteName')).toHaveValue('details');
    await page.getByTestId('add-hosts').click();
    await page.getByTestId('field-hosts-0').fill('details.example.com');
    await page.getByTestId('field-routes-0-prefix').fill('/details');
    await page.getByTestId('field-routes-0-rewrite').fill('/');
    await page.getByTestId('field-timeout').fill('5s');
    await expect(page.getByTestId('form-errors')).toHaveCount(0);
    await expect(page.getByTestId('write-summary')).toContainText(`Create HTTPRoute ${ns}/details`);
    await dryRunAndApply(page, 1);

    const route = await getJson(kubectl, ['httproute', 'details', '-n', ns]);
    expect(route.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'bookinfo-gateway' }]);
    expect(route.spec.hostnames).toEqual(['details.example.com']);
    expect(route.spec.rules).toEqual([
      {
        matches: [{ path: { type: 'PathPrefix', value: '/details' } }],
        filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } }],
        backendRefs: [{ group: '', kind: 'Service', name: 'details', port: 9080, weight: 1 }],
        timeouts: { request: '5s' },
      },
    ]);
    // Nothing else is written: no Istio Gateway or VirtualService, the Gateway and the productpage route stay.
    expect((await getJson(kubectl, ['gateways.networking.istio.io', '-n', ns])).items).toEqual([]);
    expect((await getJson(kubectl, ['virtualservices', '-n', ns])).items.map((v: any) => v.metadata.name)).toEqual(['details']);
    expect((await getJson(kubectl, ['gateways.gateway.networking.k8s.io', 'bookinfo-gateway', '-n', ns])).metadata.resourceVersion).toBe(
      gatewayBefore.metadata.resourceVersion,
    );
    expect((await getJson(kubectl, ['httproute', 'bookinfo', '-n', ns])).metadata.resourceVersion).toBe(bookinfoRouteBefore.metadata.resourceVersion);
    // Read back: the form edits the route it wrote.
    await expect(page.getByTestId('field-hosts-0')).toHaveValue('details.example.com');
    await expect(page.getByTestId('field-routes-0-prefix')).toHaveValue('/details');
  });

  test('expose (S5, Gateway API): a new Gateway with HTTPS (certificateRefs in its namespace) and the HTTP->HTTPS redirect route', async ({
    page,
    env,
    kubectl,
    uniq,
  }) => {
    const ns = uniq('amb-tls');
    await seedAmbientScenario(clusterOf(env), ns);
    const secret = readManifests(path.join(FIXTURES, 'forms', 'tls-secret.yaml'))[0]!;
    await kubectl(['apply', '-f', '-'], JSON.stringify({ ...secret, metadata: { name: 'details-cert', namespace: ns } }));

    await page.goto(`/forms/expose?ns=${ns}&service=details`);
    await expect(page.getByTestId('field-api').getByLabel('Gateway API Gateway + HTTPRoute')).toBeChecked();
    await page.getByLabel('A new Gateway (gatewayClassName istio)').check();
    await expect(page.getByTestId('field-gateway-namespace')).toHaveValue(ns);
    await expect(page.getByTestId('field-gateway-name')).toHaveValue('details-gateway');
    await page.getByTestId('add-hosts').click();
    await page.getByTestId('field-hosts-0').fill('details.example.com');
    await page.getByTestId('field-https').check();
    // certificateRefs name a Secret in the Gateway's own namespace.
    await expect(page.getByTestId('secret-hint')).toContainText(ns);
    await expect(page.getByTestId('secret-hint')).toContainText('details-cert');
    await page.getByTestId('field-credentialName').fill('details-cert');
    await page.getByTestId('field-httpsRedirect').check();
    await expect(page.getByTestId('form-errors')).toHaveCount(0);
    await expect(page.getByTestId('write-summary')).toContainText(`Create Gateway ${ns}/details-gateway`);
    await dryRunAndApply(page, 3);

    const gw = await getJson(kubectl, ['gateways.gateway.networking.k8s.io', 'details-gateway', '-n', ns]);
    expect(gw.spec.gatewayClassName).toBe('istio');
    expect(gw.spec.listeners).toEqual([
      { name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Same' } } },
      {
        name: 'https',
        port: 443,
        protocol: 'HTTPS',
        tls: { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: 'details-cert' }] },
        allowedRoutes: { namespaces: { from: 'Same' } },
      },
    ]);
    const route = await getJson(kubectl, ['httproute', 'details', '-n', ns]);
    expect(route.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'details-gateway', sectionName: 'https' }]);
    expect(route.spec.rules.map((r: any) => r.backendRefs.map((b: any) => [b.name, b.port]))).toEqual([[['details', 9080]]]);
    const redirect = await getJson(kubectl, ['httproute', 'details-redirect', '-n', ns]);
    expect(redirect.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'details-gateway', sectionName: 'http' }]);
    expect(redirect.spec.rules.map((r: any) => r.filters)).toEqual([[{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }]]);
    // Read back on that gateway: HTTPS with the secret and the redirect.
    await expect(page.getByTestId('field-https')).toBeChecked();
    await expect(page.getByTestId('field-httpsRedirect')).toBeChecked();
    await expect(page.getByTestId('field-credentialName')).toHaveValue('details-cert');
  });

  test('Ambient form (S5): details starts using the existing waypoint (use-waypoint on the Service, in place)', async ({ page, env, kubectl, uniq }) => {
    const ns = uniq('amb-wp');
    await seedAmbientScenario(clusterOf(env), ns);
    const before = await getJson(kubectl, ['service', 'details', '-n', ns]);
    expect(before.metadata.labels['istio.io/use-waypoint']).toBeUndefined();

    await page.goto(`/forms/ambient?ns=${ns}&service=details`);
    await expect(page.getByTestId('ambient-now')).toContainText('ambient (ztunnel)');
    await page.getByTestId('field-waypoint-mode').getByLabel(`Use an existing waypoint of ${ns}`).check();
    await expect(page.getByTestId('ambient-use-waypoint')).toContainText(`Sets istio.io/use-waypoint=waypoint on Service ${ns}/details`);
    await expect(page.getByTestId('ambient-change-details-v1')).toContainText('already captured by ztunnel');
    await dryRunAndApply(page, 1);

    const svc = await getJson(kubectl, ['service', 'details', '-n', ns]);
    expect(svc.metadata.labels).toEqual({ ...before.metadata.labels, 'istio.io/use-waypoint': 'waypoint' });
    expect(svc.spec.selector).toEqual(before.spec.selector);
    // Read back: the form now finds the Service using the waypoint.
    await expect(page.getByTestId('field-waypoint-mode').getByLabel(`Use an existing waypoint of ${ns}`)).toBeChecked();
  });

  test('Ambient form (S4, sidecars): enroll the namespace, create a waypoint as istioctl does; sidecar pods to restart are listed', async ({
    page,
    env,
    kubectl,
    uniq,
  }) => {
    const ns = uniq('amb-shop');
    const objects = remapNamespaces(readManifests(path.join(FIXTURES, 'scenarios', 's4-user-service-canary.yaml')), { shop: ns }).filter(
      (o) => (o.kind === 'Namespace' ? o.metadata.name : o.metadata.namespace) === ns,
    );
    await seedObjects(clusterOf(env), objects);

    await page.goto(`/forms/ambient?ns=${ns}`);
    await expect(page.getByTestId('ambient-now')).toContainText('sidecar');
    await page.getByTestId('field-enroll').check();
    await page.getByTestId('field-waypoint-mode').getByLabel('Create a waypoint').check();
    const change = page.getByTestId('ambient-change-user-service-v2');
    await expect(change).toHaveAttribute('data-restart', 'manual');
    await expect(change).toContainText('sidecar to remove');
    await expect(change).toContainText(`kubectl rollout restart deployment/user-service-v2 -n ${ns}`);
    await expect(page.getByTestId('form-warnings')).toContainText('still run');
    await dryRunAndApply(page, 2);

    const wp = await getJson(kubectl, ['gateways.gateway.networking.k8s.io', 'waypoint', '-n', ns]);
    expect(wp.metadata.labels).toEqual({ 'istio.io/waypoint-for': 'service' });
    expect(wp.spec.gatewayClassName).toBe('istio-waypoint');
    expect(wp.spec.listeners.map((l: any) => [l.name, l.port, l.protocol])).toEqual([['mesh', 15008, 'HBONE']]);
    const nsObj = await getJson(kubectl, ['namespace', ns]);
    expect(nsObj.metadata.labels['istio.io/dataplane-mode']).toBe('ambient');
    expect(nsObj.metadata.labels['istio.io/use-waypoint']).toBe('waypoint');
    expect(nsObj.metadata.labels['istio-injection']).toBeUndefined();
    // Read back: enrolled, with its waypoint; the running pods still need the restart.
    await expect(page.getByTestId('field-enroll')).toBeChecked();
    await expect(page.getByTestId('field-waypoint-mode').getByLabel(`Use an existing waypoint of ${ns}`)).toBeChecked();
    await expect(page.getByTestId('ambient-change-user-service-v2')).toHaveAttribute('data-restart', 'manual');
  });
});
