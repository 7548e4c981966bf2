/**
 * Change proposals in the browser against the local control plane: alice proposes S4's
 * 90/10 canary step from the traffic form instead of applying it; bob opens the link in
 * another browser context, sees the diff, the weight change on the graph and the
 * impact, and approves; alice applies. A teammate's kubectl edit in between makes the
 * proposal stale: the rebase view appears, apply is refused, and after the rebase the
 * applied object keeps both changes.
 *
 * Local mode has one identity (the kubeconfig's user, by SelfSubjectReview), so "alice"
 * and "bob" are two browser contexts of the same user here.
 */
import path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, type Kubectl } from '../fixtures';
import { FIXTURES, readManifests, remapNamespaces, seedObjects } from '../cluster/seed';
import { clusterOf, type E2eState } from '../support/state';

async function seedS4(env: E2eState, ns: string) {
  const objects = remapNamespaces(readManifests(path.join(FIXTURES, 'scenarios', 's4-user-service-canary.yaml')), { shop: ns }).filter(
    (o) => (o.kind === 'Namespace' ? o.metadata.name : o.metadata.namespace) === ns,
  );
  await seedObjects(clusterOf(env), objects);
}

async function vsOf(kubectl: Kubectl, ns: string): Promise<any> {
  return JSON.parse(await kubectl(['get', 'virtualservice', 'user-service-vs', '-n', ns, '-o', 'json']));
}

/** From the traffic form: 90/10, dry run, then Propose… into a new proposal; returns the proposal's link. */
async function propose9010(page: Page, ns: string, title: string): Promise<string> {
  await page.goto(`/forms/traffic?ns=${ns}&service=user-service`);
  await expect(page.getByTestId('field-subsets-0-weight')).toHaveValue('100', { timeout: 30_000 });
  await page.getByTestId('canary-90-10').click();
  await expect(page.getByTestId('form-preview')).toContainText('weight: 90');
  await page.getByTestId('dry-run-button').click();
  await expect(page.getByTestId('review-panel')).toContainText('accepted', { timeout: 30_000 });
  await page.getByTestId('propose-button').click();
  await expect(page.getByTestId('propose-target')).toHaveValue('');
  await page.getByTestId('propose-title').fill(title);
  await page.getByTestId('propose-submit').click();
  const a = page.getByTestId('propose-link');
  await expect(a).toHaveText(title, { timeout: 30_000 });
  const href = await a.getAttribute('href');
  expect(href).toMatch(/^\/proposals\/proposal-[a-z0-9]+/);
  return href!;
}

test.describe('Change proposals', () => {
  test('alice proposes S4 90/10, bob reviews the diff, graph and impact and approves, alice applies', async ({ page, browser, env, kubectl, uniq }) => {
    test.setTimeout(180_000);
    const ns = uniq('shop');
    await seedS4(env, ns);
    const before = await vsOf(kubectl, ns);
    const href = await propose9010(page, ns, `canary 90/10 in ${ns}`);
    // Proposing writes nothing to the VirtualService.
    expect((await vsOf(kubectl, ns)).metadata.resourceVersion).toBe(before.metadata.resourceVersion);

    const bobContext = await browser.newContext({ baseURL: env.url });
    try {
      const bob = await bobContext.newPage();
      await bob.goto(href);
      await expect(bob.getByTestId('proposal-title')).toHaveText(`canary 90/10 in ${ns}`, { timeout: 30_000 });
      await expect(bob.getByTestId('proposal-state')).toHaveText('open');
      const diff = bob.getByTestId(`resource-diff-VirtualService ${ns}/user-service-vs`);
      await expect(diff).toContainText(`Update VirtualService ${ns}/user-service-vs`);
      await expect(diff).toContainText(`based on resourceVersion ${before.metadata.resourceVersion}`);
      await expect(diff.getByTestId('yaml-diff')).toBeVisible();
      await expect(diff.locator('.monaco-diff-editor')).toContainText('weight: 90', { timeout: 30_000 });
      await expect(diff.getByTestId('resource-findings')).toHaveText('No findings on the new version.');
      await expect(bob.getByTestId('route-changes')).toContainText('weight 100 -> 90');
      await expect(bob.getByTestId('graph-diff').locator('svg')).toContainText('weight 100 → 90');
      await expect(bob.getByTestId('graph-changes')).toContainText('added');
      await expect(bob.getByTestId('impact-introduced')).toHaveText('0');
      await expect(bob.getByTestId('findings-introduced')).toHaveText('No new findings.');
      await expect(bob.getByTestId('dry-run')).toContainText(`accepted update VirtualService ${ns}/user-service-vs`);
      await expect(bob.getByTestId('apply-proposal')).toBeDisabled();
      await bob.getByTestId('comment-text').fill('Looks good: 10% to the canary.');
      await bob.getByTestId('approve-button').click();
      await expect(bob.getByTestId('proposal-state')).toHaveText('approved');
      await expect(bob.getByTestId('review-entry')).toContainText('approved');
      await expect(bob.getByTestId('review-entry')).toContainText('Looks good: 10% to the canary.');
    } finally {
      await bobContext.close();
    }

    // The list shows it to everyone on the cluster.
    await page.goto('/proposals');
    await expect(page.getByRole('link', { name: `canary 90/10 in ${ns}` })).toBeVisible({ timeout: 30_000 });
    await page.getByRole('link', { name: `canary 90/10 in ${ns}` }).click();
    await expect(page.getByTestId('proposal-state')).toHaveText('approved', { timeout: 30_000 });
    await page.getByTestId('apply-proposal').click();
    await expect(page.getByTestId('apply-results')).toContainText(`applied update VirtualService ${ns}/user-service-vs`, { timeout: 30_000 });
    await expect(page.getByTestId('proposal-state')).toHaveText('applied', { timeout: 30_000 });
    const after = await vsOf(kubectl, ns);
    expect(after.spec.http[0].route).toEqual([
      { destination: { host: 'user-service', subset: 'stable' }, weight: 90 },
      { destination: { host: 'user-service', subset: 'canary' }, weight: 10 },
    ]);

    // GitOps export of the applied proposal: the unified diff of the change.
    await page.getByTestId('export-diff').click();
    await expect(page.getByTestId('export-text')).toContainText(`+++ b/${ns}/virtualservice-user-service-vs.yaml`);
    await expect(page.getByTestId('export-text')).toContainText('+          weight: 90');
  });

  test('a kubectl edit in between makes the proposal stale: apply is refused, rebase carries the change over', async ({ page, env, kubectl, uniq }) => {
    test.setTimeout(180_000);
    const ns = uniq('shop');
    await seedS4(env, ns);
    const href = await propose9010(page, ns, `stale canary in ${ns}`);
    await page.goto(href);
    await page.getByTestId('approve-button').click();
    await expect(page.getByTestId('proposal-state')).toHaveText('approved', { timeout: 30_000 });
    await expect(page.getByTestId('apply-proposal')).toBeEnabled();

    // A teammate edits the VirtualService with kubectl.
    await kubectl(['patch', 'virtualservice', 'user-service-vs', '-n', ns, '--type=json', '-p', '[{"op":"add","path":"/spec/http/0/timeout","value":"7s"}]']);
    const edited = await vsOf(kubectl, ns);

    await expect(page.getByTestId('stale-banner')).toContainText(`VirtualService ${ns}/user-service-vs: changed since`, { timeout: 30_000 });
    await expect(page.getByTestId('conflict-view')).toBeVisible();
    await expect(page.getByTestId('conflict-current')).toContainText('timeout: 7s');
    await expect(page.getByTestId('conflict-mine')).toContainText('weight: 90');
    await expect(page.getByTestId('apply-proposal')).toBeDisabled();
    await expect(page.getByTestId('dry-run').locator('[data-outcome="failed"]')).toContainText('409');
    // Nothing was overwritten.
    expect((await vsOf(kubectl, ns)).metadata.resourceVersion).toBe(edited.metadata.resourceVersion);

    await page.getByRole('button', { name: 'Carry my change onto the current version' }).click();
    await expect(page.getByTestId('rebase-note')).toContainText('Rebased onto the current version', { timeout: 30_000 });
    await expect(page.getByTestId('stale-banner')).toHaveCount(0, { timeout: 30_000 });
    await expect(page.getByTestId('proposal-state')).toHaveText('open');
    await page.getByTestId('approve-button').click();
    await expect(page.getByTestId('proposal-state')).toHaveText('approved', { timeout: 30_000 });
    await page.getByTestId('apply-proposal').click();
    await expect(page.getByTestId('proposal-state')).toHaveText('applied', { timeout: 30_000 });
    const vs = await vsOf(kubectl, ns);
    expect(vs.spec.http[0]).toEqual({
      route: [
        { destination: { host: 'user-service', subset: 'stable' }, weight: 90 },
        { destination: { host: 'user-service', subset: 'canary' }, weight: 10 },
      ],
      timeout: '7s',
    });
  });
});
