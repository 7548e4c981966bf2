/**
 * Mesh tasks (forms), in the browser against the local control plane. Every test seeds a
 * scenario into fresh namespaces (namespaces cannot be deleted here), fills a form like a
 * user, dry-runs, applies, and reads the result back from the API server with kubectl.
 */
import path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, type Kubectl } from '../fixtures';
import { FIXTURES, readManifests, remapNamespaces, seedObjects } from '../cluster/seed';
import { clusterOf, type E2eState } from '../support/state';

const SCENARIO = (f: string) => path.join(FIXTURES, 'scenarios', f);

/** Seed a scenario file with its namespaces renamed (`from` -> fresh name); objects of other namespaces are left out. */
async function seedScenario(
  env: E2eState,
  file: string,
  map: Record<string, string>,
  opts: { without?: (o: { kind: string; metadata: { name: string } }) => boolean } = {},
) {
  const objects = remapNamespaces(readManifests(SCENARIO(file)), map).filter((o) => {
    const ns = o.kind === 'Namespace' ? o.metadata.name : o.metadata.namespace;
    return Object.values(map).includes(ns ?? '') && !opts.without?.(o);
  });
  await seedObjects(clusterOf(env), objects);
}

async function getJson(kubectl: Kubectl, args: string[]): Promise<any> {
  return JSON.parse(await kubectl(['get', ...args, '-o', 'json']));
}

/** Dry run, check the review shows one diff per write, apply, wait until the form starts from the new state. */
async function dryRunAndApply(page: Page, writes: number) {
  await page.getByTestId('dry-run-button').click();
  await expect(page.getByTestId('review-panel')).toContainText('accepted');
  await expect(page.getByTestId('write-diff')).toHaveCount(writes);
  await expect(page.getByTestId('yaml-diff')).toHaveCount(writes);
  await page.getByTestId('apply-button').click();
  await expect(page.getByTestId('apply-success')).toBeVisible();
  await expect(page.getByTestId('apply-reread')).toHaveText('The form below now starts from the new state.');
}

/** A request of the resources API (a form's write): dry run or not. */
const isWrite = (dryRun: boolean) => (u: URL) => u.pathname.startsWith('/api/resources/') && (u.searchParams.get('dryRun') === 'true') === dryRun;

test.describe('Mesh tasks', () => {
  test('entry points: the nav and the overview namespace cards open the forms', async ({ page }) => {
    await page.goto('/');
    await page.getByTestId('ns-tasks-default').getByRole('link', { name: 'mTLS' }).click();
    await expect(page).toHaveURL(/\/forms\/mtls\?.*ns=default/);
    await expect(page.getByTestId('effective-mtls')).toContainText('STRICT — from PeerAuthentication istio-system/default (mesh-wide)');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Mesh tasks' }).click();
    await expect(page).toHaveURL(/\/forms(\?|$)/);
    for (const job of ['mtls', 'expose', 'serviceentry', 'traffic', 'injection', 'callers']) await expect(page.getByTestId(`job-${job}`)).toBeVisible();
    // The links the graph's side panel uses.
    await page.goto('/forms/traffic?ns=shop&service=user-service');
    await expect(page.getByTestId('subset-stable')).toBeVisible();
    await page.goto('/forms/callers?ns=microsvc-sample&workload=sample');
    await expect(page.getByTestId('callers-owner')).toContainText('Edits AuthorizationPolicy microsvc-sample/to-sample in place');
  });

  test('mTLS: STRICT for namespace sample updates PeerAuthentication default in place; a concurrent change is a conflict', async ({
    page,
    env,
    kubectl,
    uniq,
  }) => {
    const ns = uniq('sample');
    await seedScenario(env, 's1-sample-grpc-mysql.yaml', { sample: ns });
    const before = await getJson(kubectl, ['peerauthentication', 'default', '-n', ns]);

    await page.goto(`/forms/mtls?ns=${ns}`);
    await expect(page.getByTestId('effective-mtls')).toContainText(`PERMISSIVE — from PeerAuthentication ${ns}/default (namespace-wide)`);
    await expect(page.getByTestId('mtls-policy')).toContainText(`edits PeerAuthentication ${ns}/default in place`);
    await expect(page.getByTestId('form-preview-empty')).toContainText('Nothing to change');
    await page.getByTestId('field-mode').selectOption('STRICT');
    // The preview follows the form.
    await expect(page.getByTestId('form-preview')).toContainText('mode: STRICT');
    await expect(page.getByTestId('form-preview')).toContainText('name: default');
    await expect(page.getByTestId('write-summary')).toContainText(`Update PeerAuthentication ${ns}/default — changes spec/mtls/mode`);
    await expect(page.getByTestId('effective-after')).toContainText(`STRICT — from PeerAuthentication ${ns}/default (namespace-wide)`);

    await page.getByTestId('dry-run-button').click();
    await expect(page.getByTestId('review-panel')).toContainText('accepted');
    // A dry run writes nothing.
    expect((await getJson(kubectl, ['peerauthentication', 'default', '-n', ns])).spec.mtls.mode).toBe('PERMISSIVE');
    await page.getByTestId('apply-button').click();
    await expect(page.getByTestId('apply-success')).toContainText(`PeerAuthentication ${ns}/default`);

    const after = await getJson(kubectl, ['peerauthentication', 'default', '-n', ns]);
    expect(after.metadata.uid).toBe(before.metadata.uid);
    expect(after.spec).toEqual({ mtls: { mode: 'STRICT' } });
    expect((await getJson(kubectl, ['peerauthentications', '-n', ns])).items).toHaveLength(1);
    // The form now starts from the new state.
    await expect(page.getByTestId('effective-mtls')).toContainText('STRICT');

    // Someone else changes the policy while the form is open: the form's write is refused, nothing is overwritten.
    await page.getByTestId('field-mode').selectOption('PERMISSIVE');
    await kubectl(['label', 'peerauthentication', 'default', '-n', ns, 'owner=teammate']);
    await page.getByTestId('dry-run-button').click();
    await expect(page.getByTestId('conflict-message')).toContainText('changed on the server after this form was opened');
    await expect(page.getByTestId('apply-button')).toHaveCount(0);
    const now = await getJson(kubectl, ['peerauthentication', 'default', '-n', ns]);
    expect(now.spec.mtls.mode).toBe('STRICT');
    expect(now.metadata.labels).toEqual({ owner: 'teammate' });
    await page.getByTestId('reload-form').click();
    await expect(page.getByTestId('conflict-message')).toHaveCount(0);
    await expect(page.getByTestId('field-mode')).toHaveValue('STRICT');
  });

  test('mTLS for a workload: a PeerAuthentication selecting its pods, with a per-port mode; effective mode per port', async ({ page, env, kubectl, uniq }) => {
    const ns = uniq('sample');
    await seedScenario(env, 's1-sample-grpc-mysql.yaml', { sample: ns });

    await page.goto(`/forms/mtls?ns=${ns}&workload=service-b-v1`);
    await expect(page.getByLabel('A workload')).toBeChecked();
    await expect(page.getByTestId('mtls-policy')).toContainText(`creates PeerAuthentication ${ns}/service-b-v1`);
    await expect(page.getByTestId('effective-port-50051')).toContainText(`PERMISSIVE — from PeerAuthentication ${ns}/default (namespace-wide)`);
    await page.getByTestId('field-mode').selectOption('STRICT');
    await page.getByRole('button', { name: 'Add a port setting' }).click();
    await expect(page.getByTestId('field-portLevel-0-port')).toHaveValue('50051');
    await page.getByTestId('field-portLevel-0-mode').selectOption('PERMISSIVE');
    await expect(page.getByTestId('effective-after')).toContainText(`STRICT — from PeerAuthentication ${ns}/service-b-v1 (workload selector)`);
    await expect(page.getByTestId('effective-port-50051')).toContainText(`→ PERMISSIVE — from PeerAuthentication ${ns}/service-b-v1 (port level)`);
    // A port that is not a number is refused next to the field.
    await page.getByTestId('field-portLevel-0-port').fill('70000');
    await expect(page.getByTestId('error-portLevel.0.port')).toHaveText('The workload port must be a whole number from 1 to 65535');
    await expect(page.getByTestId('dry-run-button')).toBeDisabled();
    await page.getByTestId('field-portLevel-0-port').fill('50051');
    await dryRunAndApply(page, 1);

    const pa = await getJson(kubectl, ['peerauthentication', 'service-b-v1', '-n', ns]);
    expect(pa.spec).toEqual({
      selector: { matchLabels: { app: 'service-b', version: 'v1' } },
      mtls: { mode: 'STRICT' },
      portLevelMtls: { '50051': { mode: 'PERMISSIVE' } },
    });
    // The namespace policy is untouched.
    expect((await getJson(kubectl, ['peerauthentication', 'default', '-n', ns])).spec).toEqual({ mtls: { mode: 'PERMISSIVE' } });
  });

  test('traffic shifting (S4): 90/10 stable/canary edits user-service-vs in place and keeps its other fields', async ({ page, env, kubectl, uniq }) => {
    const ns = uniq('shop');
    await seedScenario(env, 's4-user-service-canary.yaml', { shop: ns });
    // Fields the form does not own must survive: a label, and a timeout on the route.
    await kubectl(['label', 'virtualservice', 'user-service-vs', '-n', ns, 'team=shop']);
    await kubectl(['patch', 'virtualservice', 'user-service-vs', '-n', ns, '--type=json', '-p', '[{"op":"add","path":"/spec/http/0/timeout","value":"7s"}]']);
    const vsBefore = await getJson(kubectl, ['virtualservice', 'user-service-vs', '-n', ns]);
    const drBefore = await getJson(kubectl, ['destinationrule', 'user-service-dr', '-n', ns]);

    await page.goto(`/forms/traffic?ns=${ns}&service=user-service`);
    await expect(page.getByTestId('traffic-owners')).toContainText(`edits VirtualService ${ns}/user-service-vs in place`);
    await expect(page.getByTestId('field-versionLabel')).toHaveValue('release');
    await expect(page.getByTestId('field-subsets-0-weight')).toHaveValue('100');
    await expect(page.getByTestId('field-subsets-1-weight')).toHaveValue('0');
    await expect(page.getByTestId('field-timeout')).toHaveValue('7s');
    await page.getByTestId('canary-90-10').click();
    await expect(page.getByTestId('weights-total')).toHaveText('100%');
    await expect(page.getByTestId('form-preview')).toContainText('weight: 90');
    await dryRunAndApply(page, 1);

    const vs = await getJson(kubectl, ['virtualservice', 'user-service-vs', '-n', ns]);
    expect(vs.metadata.uid).toBe(vsBefore.metadata.uid);
    expect(vs.metadata.labels).toEqual({ team: 'shop' });
    expect(vs.spec).toEqual({
      hosts: ['user-service'],
      http: [
        {
          route: [
            { destination: { host: 'user-service', subset: 'stable' }, weight: 90 },
            { destination: { host: 'user-service', subset: 'canary' }, weight: 10 },
          ],
          timeout: '7s',
        },
      ],
    });
    // The subsets already existed: the DestinationRule is not touched.
    const dr = await getJson(kubectl, ['destinationrule', 'user-service-dr', '-n', ns]);
    expect(dr.metadata.resourceVersion).toBe(drBefore.metadata.resourceVersion);

    // Next canary step, with fault injection.
    await page.getByTestId('canary-50-50').click();
    await page.getByTestId('field-fault-abort-enabled').check();
    await page.getByTestId('field-fault-abort-httpStatus').fill('503');
    await page.getByTestId('field-fault-abort-percentage').fill('5');
    await dryRunAndApply(page, 1);
    const vs2 = await getJson(kubectl, ['virtualservice', 'user-service-vs', '-n', ns]);
    expect(vs2.spec.http[0]).toEqual({
      route: [
        { destination: { host: 'user-service', subset: 'stable' }, weight: 50 },
        { destination: { host: 'user-service', subset: 'canary' }, weight: 50 },
      ],
      timeout: '7s',
      fault: { abort: { httpStatus: 503, percentage: { value: 5 } } },
    });
  });

  test('ServiceEntry (S1): adding the MySQL entry yields a TCP MESH_EXTERNAL entry with the CIDR address', async ({ page, env, kubectl, uniq }) => {
    const ns = uniq('sample');
    await seedScenario(env, 's1-sample-grpc-mysql.yaml', { sample: ns }, { without: (o) => o.kind === 'ServiceEntry' && o.metadata.name === 'mysql' });
    expect((await getJson(kubectl, ['serviceentries', '-n', ns])).items).toEqual([]);

    await page.goto(`/forms/serviceentry?ns=${ns}`);
    await page.getByTestId('field-name').fill('mysql');
    await page.getByTestId('add-hosts').click();
    await page.getByTestId('field-hosts-0').fill('rds.dev.example.local');
    await page.getByTestId('add-addresses').click();
    await page.getByTestId('field-addresses-0').fill('10.0.0.1/32');
    await page.getByTestId('field-ports-0-number').fill('3306');
    await page.getByTestId('field-ports-0-protocol').selectOption('TCP');
    await page.getByTestId('field-ports-0-name').fill('mysql');
    await expect(page.getByTestId('tcp-rule')).toContainText('TCP entries therefore need the service');
    await page.getByTestId('field-resolution').selectOption('STATIC');
    await page.getByTestId('add-endpoints').click();
    await page.getByTestId('field-endpoints-0-address').fill('10.0.0.1');
    await expect(page.getByTestId('form-errors')).toHaveCount(0);
    await expect(page.getByTestId('form-preview')).toContainText('10.0.0.1/32');
    await dryRunAndApply(page, 1);

    const se = await getJson(kubectl, ['serviceentry', 'mysql', '-n', ns]);
    expect(se.spec).toEqual({
      hosts: ['rds.dev.example.local'],
      addresses: ['10.0.0.1/32'],
      ports: [{ number: 3306, name: 'mysql', protocol: 'TCP' }],
      location: 'MESH_EXTERNAL',
      resolution: 'STATIC',
      endpoints: [{ address: '10.0.0.1' }],
    });
  });

  test('invalid input (weights summing to 90, CIDR 10.0.0.1/33, an empty host) is refused in the form and nothing is written', async ({
    page,
    env,
    kubectl,
    uniq,
  }) => {
    const shop = uniq('shop');
    await seedScenario(env, 's4-user-service-canary.yaml', { shop });
    const vsBefore = await getJson(kubectl, ['virtualservice', 'user-service-vs', '-n', shop]);

    await page.goto(`/forms/traffic?ns=${shop}&service=user-service`);
    await page.getByTestId('field-subsets-0-weight').fill('90');
    await expect(page.getByTestId('weights-total')).toHaveText('90%');
    await expect(page.getByTestId('error-subsets')).toHaveText('The weights must add up to 100; they add up to 90 now');
    await expect(page.getByTestId('form-errors')).toContainText('they add up to 90 now');
    await expect(page.getByTestId('dry-run-button')).toBeDisabled();
    await expect(page.getByTestId('form-preview')).toHaveCount(0);

    const sample = uniq('sample');
    await seedScenario(env, 's1-sample-grpc-mysql.yaml', { sample }, { without: (o) => o.kind === 'ServiceEntry' });
    await page.goto(`/forms/serviceentry?ns=${sample}`);
    await page.getByTestId('field-name').fill('mysql');
    await page.getByTestId('add-hosts').click();
    // An empty host.
    const hostError = page.getByTestId('error-hosts.0');
    await expect(hostError).toHaveText('Enter a host name');
    await expect(page.getByTestId('field-hosts-0')).toHaveAttribute('aria-invalid', 'true');
    await page.getByTestId('field-hosts-0').fill('rds.dev.example.local');
    await expect(hostError).toHaveCount(0);
    // A CIDR with a prefix longer than 32.
    await page.getByTestId('add-addresses').click();
    await page.getByTestId('field-addresses-0').fill('10.0.0.1/33');
    await page.getByTestId('field-ports-0-number').fill('3306');
    await page.getByTestId('field-ports-0-protocol').selectOption('TCP');
    await expect(page.getByTestId('error-addresses.0')).toHaveText(
      '"10.0.0.1/33": the prefix length after "/" must be a whole number from 0 to 32 for an IPv4 address',
    );
    await expect(page.getByTestId('dry-run-button')).toBeDisabled();
    // And the host again, emptied.
    await page.getByTestId('field-hosts-0').fill('');
    await expect(hostError).toHaveText('Enter a host name');
    await expect(page.getByTestId('dry-run-button')).toBeDisabled();

    // Nothing reached the API server.
    const vsAfter = await getJson(kubectl, ['virtualservice', 'user-service-vs', '-n', shop]);
    expect(vsAfter.metadata.resourceVersion).toBe(vsBefore.metadata.resourceVersion);
    expect(vsAfter.spec).toEqual(vsBefore.spec);
    expect((await getJson(kubectl, ['serviceentries', '-n', sample])).items).toEqual([]);
  });

  test('expose (S4): HTTP + HTTPS with credentialName, redirect and a prefix route through an existing gateway', async ({ page, env, kubectl, uniq }) => {
    const ns = uniq('shop');
    await seedScenario(env, 's4-user-service-canary.yaml', { shop: ns });
    await kubectl(['apply', '-f', path.join(FIXTURES, 'forms', 'tls-secret.yaml')]);

    await page.goto(`/forms/expose?ns=${ns}&service=user-service`);
    await expect(page.getByTestId('field-gateway-name')).toHaveValue(`${ns}/app-gateway`);
    await expect(page.getByTestId('gateway-workloads')).toContainText('Deployment istio-system/istio-ingressgateway');
    await expect(page.getByTestId('field-port')).toHaveValue('8080');
    await page.getByTestId('add-hosts').click();
    await page.getByTestId('field-hosts-0').fill('users.example.com');
    await page.getByTestId('field-https').check();
    await expect(page.getByTestId('secret-hint')).toContainText(/TLS secrets in istio-system, where the gateway workload reads them: (.*, )?users-cert/);
    await page.getByTestId('field-credentialName').fill('users-cert');
    await page.getByTestId('field-httpsRedirect').check();
    await page.getByTestId('field-routes-0-prefix').fill('/api');
    await page.getByTestId('field-routes-0-rewrite').fill('/');
    await page.getByTestId('field-timeout').fill('10s');
    await expect(page.getByTestId('form-errors')).toHaveCount(0);
    await dryRunAndApply(page, 2);

    const gw = await getJson(kubectl, ['gateways.networking.istio.io', 'app-gateway', '-n', ns]);
    expect(gw.spec.selector).toEqual({ istio: 'ingressgateway' });
    expect(gw.spec.servers).toEqual([
      { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['app.example.com'] },
      { port: { number: 80, name: 'http-users-example-com', protocol: 'HTTP' }, hosts: ['users.example.com'], tls: { httpsRedirect: true } },
      { port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['users.example.com'], tls: { mode: 'SIMPLE', credentialName: 'users-cert' } },
    ]);
    const vs = await getJson(kubectl, ['virtualservice', 'user-service', '-n', ns]);
    expect(vs.spec).toEqual({
      hosts: ['users.example.com'],
      gateways: ['app-gateway'],
      http: [
        {
          match: [{ uri: { prefix: '/api' } }],
          rewrite: { uri: '/' },
          route: [{ destination: { host: `user-service.${ns}.svc.cluster.local`, port: { number: 8080 } } }],
          timeout: '10s',
        },
      ],
    });
    // The mesh-internal VirtualService is left alone.
    expect((await getJson(kubectl, ['virtualservice', 'user-service-vs', '-n', ns])).spec.hosts).toEqual(['user-service']);

    // Where RBAC forbids listing secrets, the form says so and takes a typed name.
    await page.goto(`/forms/expose?ns=${ns}&service=user-service&context=viewer`);
    await expect(page.getByTestId('field-https')).toBeChecked();
    await expect(page.getByTestId('secret-hint')).toContainText('You may not list secrets in istio-system (Kubernetes RBAC)');
    await expect(page.getByTestId('field-credentialName')).toHaveValue('users-cert');
  });

  test('a write refused after an earlier one succeeded is reported exactly, and nothing is overwritten', async ({ page, env, kubectl, uniq }) => {
    const ns = uniq('shop');
    await seedScenario(env, 's4-user-service-canary.yaml', { shop: ns });
    await page.goto(`/forms/expose?ns=${ns}&service=user-service`);
    await page.getByTestId('add-hosts').click();
    await page.getByTestId('field-hosts-0').fill('late.example.com');
    await page.getByTestId('dry-run-button').click();
    await expect(page.getByTestId('write-diff')).toHaveCount(2);
    // Between the dry run and the apply, a teammate creates the VirtualService the form was about to create.
    const theirs = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: user-service
  namespace: ${ns}
spec:
  hosts: [other.example.com]
  gateways: [app-gateway]
  http:
  - route:
    - destination: {host: user-service}
`;
    await kubectl(['create', '-f', '-'], theirs);
    await page.getByTestId('apply-button').click();
    await expect(page.getByTestId('conflict-message')).toContainText(
      `VirtualService ${ns}/user-service was created by someone else after this form was opened`,
    );
    const partial = page.getByTestId('partial-result');
    await expect(partial).toContainText(`Applied before the failure:Gateway ${ns}/app-gateway`);
    await expect(partial).toContainText(`Not applied: VirtualService ${ns}/user-service (refused)`);
    await expect(page.getByTestId('apply-success')).toHaveCount(0);
    expect((await getJson(kubectl, ['gateways.networking.istio.io', 'app-gateway', '-n', ns])).spec.servers.map((x: any) => x.hosts)).toEqual([
      ['app.example.com', 'late.example.com'],
    ]);
    expect((await getJson(kubectl, ['virtualservice', 'user-service', '-n', ns])).spec.hosts).toEqual(['other.example.com']);
  });

  test('sidecar injection: namespace label and a workload override; the pods that need a restart are listed', async ({ page, env, kubectl, uniq }) => {
    const ns = uniq('inject');
    await seedScenario(env, 's3-microsvc-mtls-authz.yaml', { 'microsvc-sample': ns });
    // A plain workload without any injection setting: its pod has no sidecar.
    await seedObjects(clusterOf(env), [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'plain', namespace: ns, labels: { app: 'plain' } },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'plain' } },
          template: { metadata: { labels: { app: 'plain' } }, spec: { containers: [{ name: 'app', image: 'example/plain:1' }] } },
        },
      },
    ]);
    const pods = await getJson(kubectl, ['pods', '-n', ns]);
    const podOf = (prefix: string) => pods.items.find((p: any) => p.metadata.name.startsWith(`${prefix}-`)).metadata.name as string;

    await page.goto(`/forms/injection?ns=${ns}`);
    await expect(page.getByLabel('No label')).toBeChecked();
    await expect(page.getByTestId('restart-none')).toBeVisible();
    await page.getByLabel('Enabled (istio-injection=enabled)').check();
    await page.getByTestId('workload-el-caller').getByRole('combobox').selectOption('true');
    const restart = page.getByTestId('restart-list');
    await expect(restart.getByTestId(`restart-${podOf('plain')}`)).toContainText('runs without a sidecar but should get one');
    await expect(restart.getByTestId(`restart-${podOf('plain')}`)).toContainText(`kubectl rollout restart deployment/plain -n ${ns}`);
    await expect(restart.getByTestId(`restart-${podOf('el-caller')}`)).toContainText('replaced by the rollout this change starts');
    await expect(page.getByTestId('form-warnings')).toContainText(`Deployment ${ns}/el-caller starts a rollout`);
    await dryRunAndApply(page, 2);

    const nsObj = await getJson(kubectl, ['namespace', ns]);
    expect(nsObj.metadata.labels['istio-injection']).toBe('enabled');
    const d = await getJson(kubectl, ['deployment', 'el-caller', '-n', ns]);
    expect(d.spec.template.metadata.labels).toEqual({ eventlistener: 'caller', 'maistra.io/expose-route': 'true', 'sidecar.istio.io/inject': 'true' });
    expect(d.spec.template.metadata.annotations).toBeUndefined();
    // The other workloads keep their own settings.
    expect((await getJson(kubectl, ['deployment', 'sample', '-n', ns])).spec.template.metadata.annotations).toEqual({ 'sidecar.istio.io/inject': 'true' });
    // The pod of the plain workload still runs without a sidecar until someone restarts it.
    await expect(page.getByTestId('restart-list').getByTestId(`restart-${podOf('plain')}`)).toContainText(`kubectl rollout restart deployment/plain -n ${ns}`);
  });

  test('caller restrictions: an AuthorizationPolicy allowing only a chosen namespace, with the known callers previewed', async ({
    page,
    env,
    kubectl,
    uniq,
  }) => {
    const ns = uniq('callers');
    await seedScenario(env, 's3-microsvc-mtls-authz.yaml', { 'microsvc-sample': ns });

    await page.goto(`/forms/callers?ns=${ns}&workload=caller`);
    await expect(page.getByTestId('callers-owner')).toContainText('Creates an ALLOW AuthorizationPolicy for the pods with app=caller');
    await expect(page.getByTestId('error-namespaces')).toHaveText('Choose at least one namespace or service account allowed to call caller');
    await expect(page.getByTestId('dry-run-button')).toBeDisabled();
    await page.getByTestId('add-namespace-pick').selectOption(ns);
    await page.getByTestId('add-namespace').click();
    await expect(page.getByTestId(`allowed-ns-${ns}`)).toBeVisible();

    const preview = page.getByTestId('caller-preview');
    await expect(preview.getByTestId(`caller-${ns}-sample`)).toHaveAttribute('data-decision', 'allowed');
    await expect(preview.getByTestId(`caller-${ns}-sample`)).toContainText(`matches rule 0 of ALLOW AuthorizationPolicy ${ns}/caller-callers`);
    await expect(preview.getByTestId(`caller-${ns}-el-caller`)).toHaveAttribute('data-decision', 'denied');
    await expect(preview.getByTestId(`caller-${ns}-el-caller`)).toContainText('no sidecar');
    await expect(preview.getByTestId('caller-istio-system-istio-ingressgateway')).toHaveAttribute('data-decision', 'denied');
    await expect(preview.getByTestId('caller-istio-system-istio-ingressgateway')).toContainText(
      `matches no rule of ALLOW AuthorizationPolicy ${ns}/caller-callers`,
    );
    // Exposed through the gateway: the form warns that outside requests would now be refused.
    await expect(page.getByTestId('form-warnings')).toContainText('RBAC: access denied');
    await dryRunAndApply(page, 1);

    const ap = await getJson(kubectl, ['authorizationpolicy', 'caller-callers', '-n', ns]);
    expect(ap.spec).toEqual({ selector: { matchLabels: { app: 'caller' } }, rules: [{ from: [{ source: { namespaces: [ns] } }] }] });
    // The existing policy of the other workload is untouched.
    expect((await getJson(kubectl, ['authorizationpolicy', 'to-sample', '-n', ns])).spec.rules).toEqual([{ from: [{ source: { namespaces: [ns] } }] }]);
    // Reopened, the form edits the policy it wrote.
    await expect(page.getByTestId('callers-owner')).toContainText(`Edits AuthorizationPolicy ${ns}/caller-callers in place`);
  });
  test('the form is locked from the dry run on: Apply sends exactly what was dry-run, a cancelled dry run is dropped', async ({ page, env, kubectl, uniq }) => {
    const ns = uniq('shop');
    await seedScenario(env, 's4-user-service-canary.yaml', { shop: ns });
    // Dry runs wait until the test lets them through.
    let gate: Promise<void> = Promise.resolve();
    await page.route(isWrite(true), async (route) => {
      await gate;
      await route.continue();
    });
    const puts: Array<{ dryRun: boolean; body: string }> = [];
    page.on('request', (r) => {
      if (r.method() === 'PUT' && new URL(r.url()).pathname.startsWith('/api/resources/'))
        puts.push({ dryRun: new URL(r.url()).searchParams.get('dryRun') === 'true', body: r.postData() ?? '' });
    });

    await page.goto(`/forms/traffic?ns=${ns}&service=user-service`);
    const weight0 = page.getByTestId('field-subsets-0-weight');
    await page.getByTestId('canary-90-10').click();
    await expect(page.getByTestId('form-preview')).toContainText('weight: 90');

    // A dry run in flight: every input and the target pickers are locked.
    let release = () => {};
    gate = new Promise<void>((r) => (release = r));
    await page.getByTestId('dry-run-button').click();
    await expect(page.getByTestId('dry-run-button')).toHaveText('Checking with the API server…');
    await expect(weight0).toBeDisabled();
    await expect(page.getByTestId('field-timeout')).toBeDisabled();
    await expect(page.getByTestId('canary-50-50')).toBeDisabled();
    await expect(page.getByTestId('target-service')).toBeDisabled();
    await expect(page.getByTestId('reload-snapshot')).toBeDisabled();
    // Cancelled: the form opens again and the late answer is dropped.
    await page.getByTestId('cancel-dry-run').click();
    await expect(weight0).toBeEnabled();
    const late = page.waitForResponse((r) => isWrite(true)(new URL(r.url())));
    release();
    await late;
    await expect(page.getByTestId('review-panel')).toHaveCount(0);
    await expect(page.getByTestId('apply-button')).toHaveCount(0);

    // Under review the form stays locked until "Back to editing".
    await page.getByTestId('dry-run-button').click();
    await expect(page.getByTestId('review-panel')).toContainText('accepted');
    await expect(weight0).toBeDisabled();
    await expect(page.getByTestId('target-ns')).toBeDisabled();
    await expect(page.getByTestId('form-locked')).toContainText('Apply sends exactly what was dry-run');
    await page.getByTestId('back-to-editing').click();
    await expect(page.getByTestId('review-panel')).toHaveCount(0);
    await expect(weight0).toBeEnabled();
    await page.getByTestId('canary-50-50').click();
    await expect(page.getByTestId('form-preview')).toContainText('weight: 50');
    await dryRunAndApply(page, 1);

    // The write sent is byte for byte the last one the API server accepted in a dry run.
    const lastDryRun = puts.filter((p) => p.dryRun).at(-1)!;
    const applied = puts.filter((p) => !p.dryRun);
    expect(applied).toHaveLength(1);
    expect(applied[0]!.body).toBe(lastDryRun.body);
    const vs = await getJson(kubectl, ['virtualservice', 'user-service-vs', '-n', ns]);
    expect(vs.spec.http[0].route.map((d: any) => d.weight)).toEqual([50, 50]);
  });

  test('a reconnect of the event stream keeps the form, its input and its review, and offers a reload', async ({ page, env, kubectl, uniq }) => {
    const ns = uniq('shop');
    await seedScenario(env, 's4-user-service-canary.yaml', { shop: ns });
    // The event stream: the first connection ends at once, the second one (the reconnect) waits for the test.
    let connections = 0;
    let reconnect = () => {};
    const reconnected = new Promise<void>((r) => (reconnect = r));
    await page.route('**/api/events**', async (route) => {
      connections++;
      if (connections === 2) await reconnected;
      if (connections > 2) return; // later ones never answer
      await route.fulfill({ status: 200, headers: { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' }, body: 'retry: 100\n\n' });
    });
    let meshReads = 0;
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/api/mesh') meshReads++;
    });

    await page.goto(`/forms/traffic?ns=${ns}&service=user-service`);
    await expect(page.getByTestId('field-subsets-0-weight')).toHaveValue('100');
    await page.getByTestId('field-subsets-0-weight').fill('70');
    await page.getByTestId('field-subsets-1-weight').fill('30');
    await page.getByTestId('dry-run-button').click();
    await expect(page.getByTestId('review-panel')).toContainText('accepted');
    await expect.poll(() => connections).toBe(2);
    const readsBefore = meshReads;

    reconnect();
    await expect(page.getByTestId('snapshot-stale')).toContainText('The cluster may have changed since this form was loaded');
    // Nothing was replaced: the input and the review are still there, and the snapshot was not read again.
    await expect(page.getByTestId('review-panel')).toBeVisible();
    await expect(page.getByTestId('field-subsets-0-weight')).toHaveValue('70');
    expect(meshReads).toBe(readsBefore);

    // Someone changes the VirtualService meanwhile; reloading starts from that.
    await kubectl(['patch', 'virtualservice', 'user-service-vs', '-n', ns, '--type=json', '-p', '[{"op":"add","path":"/spec/http/0/timeout","value":"3s"}]']);
    await expect
      .poll(async () => {
        const { resources } = await (await page.request.get(`/api/mesh?namespaces=${ns}`)).json();
        return resources.virtualServices.find((v: any) => v.metadata.name === 'user-service-vs')?.spec.http[0].timeout;
      })
      .toBe('3s');
    await page.getByTestId('reload-stale').click();
    await expect(page.getByTestId('snapshot-stale')).toHaveCount(0);
    await expect(page.getByTestId('review-panel')).toHaveCount(0);
    await expect(page.getByTestId('field-subsets-0-weight')).toHaveValue('100');
    await expect(page.getByTestId('field-timeout')).toHaveValue('3s');
  });

  test('traffic shifting for a service without VirtualService and DestinationRule creates both; the version label applies on Enter', async ({
    page,
    env,
    kubectl,
    uniq,
  }) => {
    const ns = uniq('shop');
    await seedScenario(env, 's4-user-service-canary.yaml', { shop: ns }, { without: (o) => o.kind === 'VirtualService' || o.kind === 'DestinationRule' });

    await page.goto(`/forms/traffic?ns=${ns}&service=user-service`);
    await expect(page.getByTestId('traffic-owners')).toContainText(`creates VirtualService ${ns}/user-service`);
    await expect(page.getByTestId('traffic-owners')).toContainText(`creates DestinationRule ${ns}/user-service`);
    await expect(page.getByTestId('field-versionLabel')).toHaveValue('release');
    await expect(page.getByTestId('subset-v2')).toBeVisible();
    await expect(page.getByTestId('subset-v3')).toBeVisible();

    // Typing another label changes nothing until it is committed; typed weights stay meanwhile.
    await page.getByTestId('field-subsets-0-weight').fill('80');
    await page.getByTestId('field-versionLabel').fill('componen');
    await expect(page.getByTestId('field-subsets-0-weight')).toHaveValue('80');
    await expect(page.getByTestId('subset-v2')).toBeVisible();
    await page.getByTestId('field-versionLabel').fill('component');
    await page.getByTestId('field-versionLabel').press('Enter');
    await expect(page.getByTestId('subset-user-service')).toBeVisible();
    await expect(page.getByTestId('subset-v2')).toHaveCount(0);
    // Back to release: the versions again, the canary pair follows.
    await page.getByTestId('field-versionLabel').fill('release');
    await page.getByTestId('field-versionLabel').blur();
    await expect(page.getByTestId('subset-v2')).toBeVisible();
    await expect(page.getByTestId('canary-from')).toHaveValue('v2');
    await expect(page.getByTestId('canary-to')).toHaveValue('v3');
    // Renaming a subset keeps the pair on it.
    await page.getByTestId('field-subsets-1-name').fill('canary');
    await expect(page.getByTestId('canary-to')).toHaveValue('canary');
    await page.getByTestId('canary-90-10').click();
    await expect(page.getByTestId('weights-total')).toHaveText('100%');
    await expect(page.getByTestId('form-errors')).toHaveCount(0);
    await dryRunAndApply(page, 2);

    const dr = await getJson(kubectl, ['destinationrule', 'user-service', '-n', ns]);
    expect(dr.spec).toEqual({
      host: 'user-service',
      subsets: [
        { name: 'v2', labels: { release: 'v2' } },
        { name: 'canary', labels: { release: 'v3' } },
      ],
    });
    const vs = await getJson(kubectl, ['virtualservice', 'user-service', '-n', ns]);
    expect(vs.spec).toEqual({
      hosts: ['user-service'],
      http: [
        {
          route: [
            { destination: { host: 'user-service', subset: 'v2' }, weight: 90 },
            { destination: { host: 'user-service', subset: 'canary' }, weight: 10 },
          ],
        },
      ],
    });
    // Reopened, the form edits what it created.
    await expect(page.getByTestId('traffic-owners')).toContainText(`edits VirtualService ${ns}/user-service in place`);
  });

  test('expose through a new gateway: a Gateway with selector istio=ingressgateway and the VirtualService', async ({ page, env, kubectl, uniq }) => {
    const ns = uniq('shop');
    await seedScenario(env, 's4-user-service-canary.yaml', { shop: ns });
    const appGateway = await getJson(kubectl, ['gateways.networking.istio.io', 'app-gateway', '-n', ns]);

    await page.goto(`/forms/expose?ns=${ns}&service=user-service`);
    await page.getByLabel('A new Gateway (selector istio: ingressgateway)').check();
    await expect(page.getByTestId('field-gateway-namespace')).toHaveValue(ns);
    await expect(page.getByTestId('field-gateway-name')).toHaveValue('user-service-gateway');
    await page.getByTestId('add-hosts').click();
    await page.getByTestId('field-hosts-0').fill('fresh.example.com');
    // A new gateway's certificates live where the ingress workload runs.
    await page.getByTestId('field-https').check();
    await expect(page.getByTestId('secret-hint')).toContainText('istio-system');
    await page.getByTestId('field-https').uncheck();
    await expect(page.getByTestId('form-errors')).toHaveCount(0);
    await expect(page.getByTestId('write-summary')).toContainText(`Create Gateway ${ns}/user-service-gateway`);
    await dryRunAndApply(page, 2);

    const gw = await getJson(kubectl, ['gateways.networking.istio.io', 'user-service-gateway', '-n', ns]);
    expect(gw.spec).toEqual({
      selector: { istio: 'ingressgateway' },
      servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['fresh.example.com'] }],
    });
    const vs = await getJson(kubectl, ['virtualservice', 'user-service', '-n', ns]);
    expect(vs.spec).toEqual({
      hosts: ['fresh.example.com'],
      gateways: ['user-service-gateway'],
      http: [{ route: [{ destination: { host: `user-service.${ns}.svc.cluster.local`, port: { number: 8080 } } }] }],
    });
    // The existing gateway is untouched.
    expect((await getJson(kubectl, ['gateways.networking.istio.io', 'app-gateway', '-n', ns])).metadata.resourceVersion).toBe(
      appGateway.metadata.resourceVersion,
    );
  });

  test('ServiceEntry (S1): the existing mysql entry is edited in place; fields the form does not show stay', async ({ page, env, kubectl, uniq }) => {
    const ns = uniq('sample');
    await seedScenario(env, 's1-sample-grpc-mysql.yaml', { sample: ns });
    await kubectl(['label', 'serviceentry', 'mysql', '-n', ns, 'team=data']);
    await kubectl(['patch', 'serviceentry', 'mysql', '-n', ns, '--type=merge', '-p', '{"spec":{"subjectAltNames":["spiffe://example.org/ns/db/sa/mysql"]}}']);
    const before = await getJson(kubectl, ['serviceentry', 'mysql', '-n', ns]);

    await page.goto(`/forms/serviceentry?ns=${ns}&name=mysql`);
    await expect(page.getByTestId('se-owner')).toContainText(`Edits ServiceEntry ${ns}/mysql in place`);
    await expect(page.getByTestId('field-hosts-0')).toHaveValue('rds.dev.example.local');
    await expect(page.getByTestId('field-ports-0-number')).toHaveValue('3306');
    await expect(page.getByTestId('form-preview-empty')).toContainText('Nothing to change');
    // A replica on a second address and port.
    await page.getByTestId('add-addresses').click();
    await page.getByTestId('field-addresses-1').fill('10.0.0.2/32');
    await page.getByTestId('add-ports').click();
    await page.getByTestId('field-ports-1-number').fill('3307');
    await page.getByTestId('field-ports-1-name').fill('mysql-replica');
    await page.getByTestId('add-endpoints').click();
    await page.getByTestId('field-endpoints-1-address').fill('10.0.0.2');
    await expect(page.getByTestId('form-errors')).toHaveCount(0);
    await expect(page.getByTestId('write-summary')).toContainText(`Update ServiceEntry ${ns}/mysql`);
    await dryRunAndApply(page, 1);

    const se = await getJson(kubectl, ['serviceentry', 'mysql', '-n', ns]);
    expect(se.metadata.uid).toBe(before.metadata.uid);
    expect(se.metadata.labels).toEqual({ team: 'data' });
    expect(se.spec).toEqual({
      hosts: ['rds.dev.example.local'],
      addresses: ['10.0.0.1/32', '10.0.0.2/32'],
      ports: [
        { number: 3306, name: 'mysql', protocol: 'TCP' },
        { number: 3307, name: 'mysql-replica', protocol: 'TCP' },
      ],
      location: 'MESH_EXTERNAL',
      resolution: 'STATIC',
      endpoints: [{ address: '10.0.0.1' }, { address: '10.0.0.2' }],
      subjectAltNames: ['spiffe://example.org/ns/db/sa/mysql'],
    });
    expect((await getJson(kubectl, ['serviceentries', '-n', ns])).items).toHaveLength(1);
  });

  test('invalid input in expose, callers, injection and mesh-wide mTLS is refused next to the field and nothing is written', async ({
    page,
    env,
    kubectl,
    uniq,
  }) => {
    const shop = uniq('shop');
    await seedScenario(env, 's4-user-service-canary.yaml', { shop });
    const gwBefore = await getJson(kubectl, ['gateways.networking.istio.io', 'app-gateway', '-n', shop]);

    // Expose: no host, then an empty host.
    await page.goto(`/forms/expose?ns=${shop}&service=user-service`);
    await expect(page.getByTestId('error-hosts')).toHaveText('Enter at least one host name, such as app.example.com');
    await expect(page.getByTestId('dry-run-button')).toBeDisabled();
    await page.getByTestId('add-hosts').click();
    await expect(page.getByTestId('error-hosts.0')).toHaveText('Enter a host name');
    await expect(page.getByTestId('field-hosts-0')).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByTestId('dry-run-button')).toBeDisabled();
    await expect(page.getByTestId('form-preview')).toHaveCount(0);

    // Callers: neither a namespace nor a service account, then a service account left empty.
    const callers = uniq('callers');
    await seedScenario(env, 's3-microsvc-mtls-authz.yaml', { 'microsvc-sample': callers });
    const policiesBefore = (await getJson(kubectl, ['authorizationpolicies', '-n', callers])).items.map(
      (p: any) => `${p.metadata.name}@${p.metadata.resourceVersion}`,
    );
    await page.goto(`/forms/callers?ns=${callers}&workload=caller`);
    await expect(page.getByTestId('error-namespaces')).toHaveText('Choose at least one namespace or service account allowed to call caller');
    await expect(page.getByTestId('dry-run-button')).toBeDisabled();
    await page.getByRole('button', { name: 'Type one' }).click();
    await expect(page.getByTestId('error-namespaces')).toHaveCount(0);
    await expect(page.getByTestId('error-serviceAccounts.0.namespace')).toBeVisible();
    await expect(page.getByTestId('error-serviceAccounts.0.name')).toBeVisible();
    await expect(page.getByTestId('dry-run-button')).toBeDisabled();

    // Injection: a revision that is not a label value.
    const nsBefore = await getJson(kubectl, ['namespace', callers]);
    await page.goto(`/forms/injection?ns=${callers}`);
    await page.getByLabel('A control-plane revision (istio.io/rev)').check();
    await expect(page.getByTestId('error-revision')).toHaveText('Enter the control-plane revision, such as canary or 1-24-0');
    await page.getByTestId('field-revision').fill('canary 2');
    await expect(page.getByTestId('error-revision')).toHaveText(
      'The label value "canary 2" must be at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit',
    );
    await expect(page.getByTestId('dry-run-button')).toBeDisabled();

    // mTLS for the whole mesh: client mTLS without a host, and with mTLS disabled.
    const meshPolicy = await getJson(kubectl, ['peerauthentication', 'default', '-n', 'istio-system']);
    const rulesBefore = (await getJson(kubectl, ['destinationrules', '-n', 'istio-system'])).items.length;
    await page.goto('/forms/mtls?scope=mesh');
    await expect(page.getByLabel('The whole mesh')).toBeChecked();
    await expect(page.getByTestId('mtls-policy')).toContainText('edits PeerAuthentication istio-system/default in place');
    await page.getByTestId('field-clientTls-enabled').check();
    await page.getByTestId('field-clientTls-host').fill('');
    await expect(page.getByTestId('error-clientTls.host')).toHaveText('Enter a host name');
    await page.getByTestId('field-mode').selectOption('DISABLE');
    await expect(page.getByTestId('error-clientTls.enabled')).toContainText('Clients cannot use Istio mTLS towards a server whose mTLS is disabled');
    await expect(page.getByTestId('dry-run-button')).toBeDisabled();
    await expect(page.getByTestId('form-preview')).toHaveCount(0);

    // Nothing reached the API server.
    expect((await getJson(kubectl, ['gateways.networking.istio.io', 'app-gateway', '-n', shop])).metadata.resourceVersion).toBe(
      gwBefore.metadata.resourceVersion,
    );
    expect((await kubectl.raw(['get', 'virtualservice', 'user-service', '-n', shop])).code).not.toBe(0);
    expect(
      (await getJson(kubectl, ['authorizationpolicies', '-n', callers])).items.map((p: any) => `${p.metadata.name}@${p.metadata.resourceVersion}`),
    ).toEqual(policiesBefore);
    expect((await getJson(kubectl, ['namespace', callers])).metadata.resourceVersion).toBe(nsBefore.metadata.resourceVersion);
    expect((await getJson(kubectl, ['peerauthentication', 'default', '-n', 'istio-system'])).metadata.resourceVersion).toBe(
      meshPolicy.metadata.resourceVersion,
    );
    expect((await getJson(kubectl, ['destinationrules', '-n', 'istio-system'])).items).toHaveLength(rulesBefore);
  });

  test('a link to a namespace that does not exist gets a message, never a Namespace to create', async ({ page, kubectl, uniq }) => {
    const missing = uniq('nowhere');
    await page.goto(`/forms/injection?ns=${missing}`);
    await expect(page.getByTestId('target-missing')).toHaveText(
      `There is no namespace ${missing} in the cluster (or you may not read it). This form labels an existing namespace; it never creates one.`,
    );
    // The picker does not pretend the namespace exists, and there is nothing to apply.
    await expect(page.getByTestId('target-ns')).toHaveValue('');
    await expect(page.getByTestId('target-ns').locator(`option[value="${missing}"]`)).toHaveCount(0);
    await expect(page.getByTestId('apply-flow')).toHaveCount(0);
    await page.goto(`/forms/traffic?ns=default&service=${missing}`);
    await expect(page.getByTestId('target-missing')).toHaveText(`There is no Service ${missing} in namespace default. Choose one from the list.`);
    await expect(page.getByTestId('target-service')).toHaveValue('');
    expect((await kubectl.raw(['get', 'namespace', missing])).code).not.toBe(0);
  });

  test('a write without an answer is reported as unknown, and a failed re-read after an apply is said so', async ({ page, env, kubectl, uniq }) => {
    const ns = uniq('sample');
    await seedScenario(env, 's1-sample-grpc-mysql.yaml', { sample: ns });
    // The write reaches the API server, but its answer never reaches the browser.
    const writes = isWrite(false);
    await page.route(writes, async (route) => {
      if (route.request().method() === 'GET') return route.continue();
      await route.fetch();
      await route.abort('connectionreset');
    });
    await page.goto(`/forms/mtls?ns=${ns}`);
    await page.getByTestId('field-mode').selectOption('STRICT');
    await page.getByTestId('dry-run-button').click();
    await expect(page.getByTestId('review-panel')).toContainText('accepted');
    await page.getByTestId('apply-button').click();
    await expect(page.getByTestId('outcome-unknown')).toContainText(`No answer about PeerAuthentication ${ns}/default: it may or may not have been written`);
    await expect(page.getByTestId('partial-result')).toContainText(`Unknown: PeerAuthentication ${ns}/default (no answer; it may have been written)`);
    await expect(page.getByTestId('partial-result')).not.toContainText('refused');
    await expect(page.getByTestId('apply-success')).toHaveCount(0);
    // It was written indeed; reloading shows it.
    expect((await getJson(kubectl, ['peerauthentication', 'default', '-n', ns])).spec.mtls.mode).toBe('STRICT');
    await page.getByTestId('reload-form').click();
    await expect(page.getByTestId('effective-mtls')).toContainText(`STRICT — from PeerAuthentication ${ns}/default (namespace-wide)`);
    await page.unroute(writes);

    // An apply that succeeds while the mesh cannot be read again afterwards.
    await page.getByTestId('field-mode').selectOption('PERMISSIVE');
    await page.getByTestId('dry-run-button').click();
    await expect(page.getByTestId('review-panel')).toContainText('accepted');
    await page.route('**/api/mesh**', (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({ status: 503, reason: 'ServiceUnavailable', message: 'Kubernetes API server is unreachable' }),
      }),
    );
    await page.getByTestId('apply-button').click();
    await expect(page.getByTestId('apply-success')).toContainText(`updated PeerAuthentication ${ns}/default`);
    await expect(page.getByTestId('apply-reread')).toContainText('The cluster could not be read again afterwards', { timeout: 20_000 });
    await expect(page.getByTestId('apply-reread')).toContainText('the form below still shows the state from before this change');
    await expect(page.getByTestId('apply-success')).not.toContainText('now starts from the new state');
    expect((await getJson(kubectl, ['peerauthentication', 'default', '-n', ns])).spec.mtls.mode).toBe('PERMISSIVE');
  });

  test('GET /api/secrets returns the TLS secret names only, from a metadata-only list', async ({ request, kubectl }) => {
    await kubectl(['apply', '-f', path.join(FIXTURES, 'forms', 'tls-secret.yaml')]);
    const res = await request.get('/api/secrets?namespace=istio-system');
    expect(res.status()).toBe(200);
    const body = await res.json();
    expect(Object.keys(body)).toEqual(['namespace', 'names']);
    expect(body.namespace).toBe('istio-system');
    expect(body.names).toContain('users-cert');
    expect(JSON.stringify(body)).not.toContain('LS0tLS1CRUdJTi');
  });
});
