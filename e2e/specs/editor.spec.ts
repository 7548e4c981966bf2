import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from '../fixtures';
import { DR, editorText, lineOf, markers, pasteIntoEditor, waitForEditor } from '../support/editor';

async function seedDr(kubectl: (a: string[], i?: string) => Promise<string>, ns: string, name: string) {
  await kubectl(['create', 'namespace', ns]);
  await kubectl(['apply', '-f', '-'], DR(ns, name));
}

const drUrl = (ns: string, name: string, ctx = '') => `/config/networking.istio.io/v1/destinationrules/${ns}/${name}${ctx ? `?context=${ctx}` : ''}`;

test.describe('YAML editor', () => {
  test('a misspelt enum is marked on its line with the allowed values and blocks apply; completion offers ISTIO_MUTUAL', async ({ page, kubectl, uniq }) => {
    const ns = uniq('ed-enum');
    await seedDr(kubectl, ns, 'reviews');
    await page.goto(drUrl(ns, 'reviews'));
    await waitForEditor(page);
    const bad = DR(ns, 'reviews', 'ISTIO_MUTUALL');
    await pasteIntoEditor(page, bad);
    const problem = page.getByTestId('problem').filter({ hasText: 'ISTIO_MUTUALL' });
    await expect(problem).toContainText('"DISABLE", "SIMPLE", "MUTUAL", "ISTIO_MUTUAL"');
    await expect(problem).toContainText(`${lineOf(bad, 'mode:')}:`);
    const ms = await markers(page);
    expect(ms.find((m) => m.message.includes('ISTIO_MUTUALL'))?.line).toBe(lineOf(bad, 'mode:'));
    // Apply is blocked: review refuses and nothing reaches the server.
    await page.getByTestId('review-button').click();
    await expect(page.getByTestId('apply-button')).toHaveCount(0);
    expect(await kubectl(['get', 'destinationrule', 'reviews', '-n', ns, '-o', 'jsonpath={.spec.trafficPolicy.tls.mode}'])).toBe('ISTIO_MUTUAL');

    // Completion: put the cursor after "mode: " and ask for suggestions.
    await pasteIntoEditor(page, DR(ns, 'reviews', '').replace(/mode: $/m, 'mode: '));
    const line = lineOf(await editorText(page), 'mode:');
    await page.evaluate((l) => {
      const ed = (window as any).__meshboardMonaco.editor.getEditors()[0];
      const col = ed.getModel().getLineMaxColumn(l);
      ed.setPosition({ lineNumber: l, column: col });
      ed.focus();
    }, line);
    await page.keyboard.press('Control+Space');
    const suggest = page.locator('.suggest-widget');
    await expect(suggest).toBeVisible();
    await expect(suggest).toContainText('ISTIO_MUTUAL');
  });

  test('hover shows the field description from the CRD schema', async ({ page, kubectl, uniq }) => {
    const ns = uniq('ed-hover');
    await seedDr(kubectl, ns, 'hovered');
    await page.goto(drUrl(ns, 'hovered'));
    await waitForEditor(page);
    const line = lineOf(await editorText(page), 'mode:');
    await page.evaluate((l) => {
      const ed = (window as any).__meshboardMonaco.editor.getEditors()[0];
      ed.setPosition({ lineNumber: l, column: 9 });
      ed.focus();
      ed.trigger('test', 'editor.action.showHover', {});
    }, line);
    const hover = page.locator('.monaco-hover-content');
    await expect(hover.first()).toContainText('TLS', { timeout: 15_000 });
  });

  test('a new resource from a template is created in the chosen namespace; delete names what it deletes', async ({ page, kubectl, uniq }) => {
    const ns = uniq('ed-new');
    await kubectl(['create', 'namespace', ns]);
    await page.goto(`/config/new?kind=ServiceEntry&ns=${ns}`);
    await waitForEditor(page);
    const template = await editorText(page);
    expect(template).toContain('kind: ServiceEntry');
    expect(template).toContain(`namespace: ${ns}`);
    await pasteIntoEditor(page, template.replace('name: my-serviceentry', 'name: payments-api').replace('api.example.com', 'payments.example.com'));
    await page.getByTestId('review-button').click();
    await expect(page.getByTestId('review-panel')).toContainText('This is what will be created');
    await page.getByTestId('apply-button').click();
    await expect(page).toHaveURL(new RegExp(`/serviceentries/${ns}/payments-api`));
    expect(JSON.parse(await kubectl(['get', 'serviceentry', 'payments-api', '-n', ns, '-o', 'json'])).spec.hosts).toEqual(['payments.example.com']);

    await page.getByRole('button', { name: 'Delete' }).click();
    await expect(page.getByTestId('delete-target')).toHaveText(`ServiceEntry ${ns}/payments-api`);
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect((await kubectl.raw(['get', 'serviceentry', 'payments-api', '-n', ns])).code).toBe(0);
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('button', { name: 'Delete payments-api' }).click();
    await expect(page).toHaveURL(/\/config(\?|$)/);
    const gone = await kubectl.raw(['get', 'serviceentry', 'payments-api', '-n', ns]);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toContain('NotFound');
  });

  test('an unknown field is flagged', async ({ page, kubectl, uniq }) => {
    const ns = uniq('ed-unknown');
    await seedDr(kubectl, ns, 'ratings');
    await page.goto(drUrl(ns, 'ratings'));
    await waitForEditor(page);
    const text = DR(ns, 'ratings').replace('  host:', '  trafficPolicyy: {}\n  host:');
    await pasteIntoEditor(page, text);
    const problem = page.getByTestId('problem').filter({ hasText: 'trafficPolicyy' });
    await expect(problem).toContainText('unknown field');
    await expect(problem).toContainText(`${lineOf(text, 'trafficPolicyy')}:`);
  });

  test('a valid edit is dry-run, diffed and applied; the API server returns the new spec', async ({ page, kubectl, uniq }) => {
    const ns = uniq('ed-apply');
    await seedDr(kubectl, ns, 'details');
    await page.goto(drUrl(ns, 'details'));
    await waitForEditor(page);
    await pasteIntoEditor(page, DR(ns, 'details', 'DISABLE'));
    await expect(page.getByTestId('editor-status')).toContainText('No errors');
    await page.getByTestId('review-button').click();
    await expect(page.getByTestId('review-panel')).toContainText('accepted this change in a dry run');
    await expect(page.getByTestId('yaml-diff')).toBeVisible();
    // Dry run wrote nothing.
    expect(await kubectl(['get', 'destinationrule', 'details', '-n', ns, '-o', 'jsonpath={.spec.trafficPolicy.tls.mode}'])).toBe('ISTIO_MUTUAL');
    await page.getByTestId('apply-button').click();
    await expect(page.getByTestId('editor-notice')).toContainText('Applied');
    expect(await kubectl(['get', 'destinationrule', 'details', '-n', ns, '-o', 'jsonpath={.spec.trafficPolicy.tls.mode}'])).toBe('DISABLE');
  });

  test('server-side validation errors come back as markers on the line', async ({ page, kubectl, uniq }) => {
    const ns = uniq('ed-server');
    await seedDr(kubectl, ns, 'srv');
    await page.goto(drUrl(ns, 'srv'));
    await waitForEditor(page);
    // Valid for the schema, refused by the CRD's CEL rule on the server (a duration must exceed 1ms).
    const text = DR(ns, 'srv').replace('    tls:', '    outlierDetection:\n      interval: 0s\n    tls:');
    await pasteIntoEditor(page, text);
    await expect(page.getByTestId('editor-status')).toContainText('No errors');
    await page.getByTestId('review-button').click();
    await expect(page.getByTestId('error-box')).toContainText('must be a valid duration greater than 1ms');
    const problem = page.getByTestId('problem').filter({ hasText: 'greater than 1ms' });
    await expect(problem).toContainText(`${lineOf(text, 'interval:')}:`);
    await expect(page.getByTestId('apply-button')).toHaveCount(0);
    const ms = await markers(page);
    expect(ms.some((m) => m.line === lineOf(text, 'interval:') && m.message.includes('1ms'))).toBe(true);
  });

  test('an edit made meanwhile with kubectl leads to the three-pane conflict view, never to a lost update', async ({ page, kubectl, uniq }) => {
    const ns = uniq('ed-conflict');
    await seedDr(kubectl, ns, 'productpage');
    await page.goto(drUrl(ns, 'productpage'));
    await waitForEditor(page);
    const mine = DR(ns, 'productpage', 'SIMPLE');
    await pasteIntoEditor(page, mine);
    // A teammate changes the resource with kubectl.
    await kubectl(['label', 'destinationrule', 'productpage', '-n', ns, 'owner=teammate']);
    await expect(page.getByTestId('changed-banner')).toBeVisible();
    await page.getByTestId('review-button').click();
    const conflict = page.getByTestId('conflict-view');
    await expect(conflict).toContainText('Someone changed this resource');
    await expect(page.getByTestId('conflict-base')).not.toContainText('teammate');
    await expect(page.getByTestId('conflict-current')).toContainText('owner: teammate');
    await expect(page.getByTestId('conflict-mine')).toContainText('mode: SIMPLE');
    // Nothing was overwritten.
    expect(await kubectl(['get', 'destinationrule', 'productpage', '-n', ns, '-o', 'jsonpath={.spec.trafficPolicy.tls.mode}'])).toBe('ISTIO_MUTUAL');
    await page.getByRole('button', { name: 'Carry my change onto the current version' }).click();
    const merged = await editorText(page);
    expect(merged).toContain('owner: teammate');
    expect(merged).toContain('mode: SIMPLE');
    await page.getByTestId('review-button').click();
    await page.getByTestId('apply-button').click();
    await expect(page.getByTestId('editor-notice')).toContainText('Applied');
    const live = JSON.parse(await kubectl(['get', 'destinationrule', 'productpage', '-n', ns, '-o', 'json']));
    expect(live.metadata.labels).toEqual({ owner: 'teammate' });
    expect(live.spec.trafficPolicy.tls.mode).toBe('SIMPLE');
  });

  test('a resource deleted while being edited is not silently re-created; the user can re-create it with their content', async ({ page, kubectl, uniq }) => {
    const ns = uniq('ed-deleted');
    await seedDr(kubectl, ns, 'gone');
    await page.goto(drUrl(ns, 'gone'));
    await waitForEditor(page);
    await pasteIntoEditor(page, DR(ns, 'gone', 'SIMPLE'));
    await kubectl(['delete', 'destinationrule', 'gone', '-n', ns]);
    await page.getByTestId('review-button').click();
    await expect(page.getByTestId('conflict-view')).toContainText('deleted while you were editing');
    expect((await kubectl.raw(['get', 'destinationrule', 'gone', '-n', ns])).code).not.toBe(0);
    await page.getByRole('button', { name: 'Create it again with my content' }).click();
    await expect(page.getByTestId('editor-notice')).toContainText('Created again');
    expect(await kubectl(['get', 'destinationrule', 'gone', '-n', ns, '-o', 'jsonpath={.spec.trafficPolicy.tls.mode}'])).toBe('SIMPLE');
  });

  test('a draft survives a reload', async ({ page, kubectl, uniq }) => {
    const ns = uniq('ed-draft');
    await seedDr(kubectl, ns, 'drafty');
    await page.goto(drUrl(ns, 'drafty'));
    await waitForEditor(page);
    await pasteIntoEditor(page, DR(ns, 'drafty', 'MUTUAL'));
    await page.waitForTimeout(800); // drafts are saved a moment after typing stops
    await page.reload();
    await expect(page.getByTestId('draft-banner')).toContainText('unsaved changes');
    await waitForEditor(page);
    expect(await editorText(page)).toContain('mode: ISTIO_MUTUAL');
    await page.getByRole('button', { name: 'Restore draft' }).click();
    await expect.poll(() => editorText(page)).toContain('mode: MUTUAL');
    await expect(page.getByTestId('draft-banner')).toHaveCount(0);
  });

  test('the viewer context cannot save and is told why', async ({ page, kubectl, uniq }) => {
    const ns = uniq('ed-viewer');
    await seedDr(kubectl, ns, 'ro');
    await page.goto(drUrl(ns, 'ro', 'viewer'));
    await waitForEditor(page);
    const banner = page.getByTestId('readonly-banner');
    await expect(banner).toContainText('Read-only');
    await expect(banner).toContainText('viewer');
    await expect(banner).toContainText('may not update destinationrules');
    await expect(page.getByTestId('review-button')).toBeDisabled();
    const ro = await page.evaluate(() =>
      (window as any).__meshboardMonaco.editor.getEditors()[0].getOption((window as any).__meshboardMonaco.editor.EditorOption.readOnly),
    );
    expect(ro).toBe(true);
  });

  test('a resource written in v1alpha3 opens and saves in v1alpha3, with a hint that v1 is current', async ({ page, kubectl, uniq }) => {
    const ns = uniq('ed-legacy-version');
    await kubectl(['create', 'namespace', ns]);
    await kubectl(['apply', '-f', '-'], DR(ns, 'old').replace('networking.istio.io/v1', 'networking.istio.io/v1alpha3'));
    await page.goto('/config?kind=DestinationRule');
    await page.getByTestId(`row-DestinationRule-${ns}-old`).getByRole('link').click();
    await expect(page).toHaveURL(/\/v1alpha3\/destinationrules\//);
    await expect(page.getByTestId('version-hint')).toContainText('networking.istio.io/v1 is current');
    await waitForEditor(page);
    const text = await editorText(page);
    expect(text).toContain('apiVersion: networking.istio.io/v1alpha3');
    await expect(page.getByTestId('problem').filter({ hasText: 'current version' })).toBeVisible();
    await pasteIntoEditor(page, text.replace('ISTIO_MUTUAL', 'SIMPLE'));
    await page.getByTestId('review-button').click();
    await page.getByTestId('apply-button').click();
    await expect(page.getByTestId('editor-notice')).toContainText('Applied');
    const mf = JSON.parse(await kubectl(['get', 'destinationrule', 'old', '-n', ns, '-o', 'json', '--show-managed-fields'])).metadata.managedFields as Array<{
      manager: string;
      apiVersion: string;
    }>;
    expect(mf.find((m) => m.manager === 'meshboard')?.apiVersion).toBe('networking.istio.io/v1alpha3');
  });

  test('a resource in an older version can be moved to v1 from the hint, keeping the edit', async ({ page, kubectl, uniq }) => {
    const ns = uniq('ed-to-v1');
    await kubectl(['create', 'namespace', ns]);
    await kubectl(['apply', '-f', '-'], DR(ns, 'mover').replace('networking.istio.io/v1', 'networking.istio.io/v1beta1'));
    await page.goto(`/config/networking.istio.io/v1beta1/destinationrules/${ns}/mover`);
    await waitForEditor(page);
    await pasteIntoEditor(page, (await editorText(page)).replace('ISTIO_MUTUAL', 'DISABLE'));
    await page.getByTestId('problem').filter({ hasText: 'current version' }).getByRole('button', { name: 'Open in v1' }).click();
    await expect(page).toHaveURL(new RegExp(`/networking.istio.io/v1/destinationrules/${ns}/mover`));
    await page.getByRole('button', { name: 'Restore draft' }).click();
    await expect.poll(() => editorText(page)).toContain('apiVersion: networking.istio.io/v1\n');
    expect(await editorText(page)).toContain('mode: DISABLE');
    await page.getByTestId('review-button').click();
    await page.getByTestId('apply-button').click();
    await expect(page.getByTestId('editor-notice')).toContainText('Applied');
    const live = JSON.parse(await kubectl(['get', 'destinationrule', 'mover', '-n', ns, '-o', 'json', '--show-managed-fields']));
    expect(live.spec.trafficPolicy.tls.mode).toBe('DISABLE');
    expect(live.metadata.managedFields.find((m: { manager: string }) => m.manager === 'meshboard').apiVersion).toBe('networking.istio.io/v1');
  });

  test('the legacy v1alpha1 Policy gets a clear message and converts to a PeerAuthentication the API server accepts', async ({ page, kubectl, uniq }) => {
    const ns = uniq('ed-policy');
    await kubectl(['create', 'namespace', ns]);
    const legacy = readFileSync(path.join(__dirname, '..', 'fixtures', 'scenarios', 'legacy', 'policy-v1alpha1.yaml'), 'utf8')
      .split(/^---$/m)
      .find((d) => d.includes('kind: Policy'))!
      .replace(/namespace: sample/, `namespace: ${ns}`);
    await page.goto(`/config/new?kind=PeerAuthentication&ns=${ns}`);
    await waitForEditor(page);
    await pasteIntoEditor(page, legacy.trim() + '\n');
    const problem = page.getByTestId('problem').filter({ hasText: 'was removed' });
    await expect(problem).toContainText('authentication.istio.io/v1alpha1 Policy was removed');
    await expect(problem).toContainText('PeerAuthentication');
    await problem.getByRole('button', { name: 'Convert' }).click();
    await expect.poll(() => editorText(page)).toContain('kind: PeerAuthentication');
    const converted = await editorText(page);
    expect(converted).toContain('apiVersion: security.istio.io/v1');
    expect(converted).toContain('mode: PERMISSIVE');
    await expect(page.getByTestId('editor-status')).toContainText('No errors');
    await page.getByTestId('review-button').click();
    await page.getByTestId('apply-button').click();
    await expect(page).toHaveURL(/\/security.istio.io\/v1\/peerauthentications\/.*\/default/);
    const pa = JSON.parse(await kubectl(['get', 'peerauthentication', 'default', '-n', ns, '-o', 'json']));
    expect(pa.spec).toEqual({ mtls: { mode: 'PERMISSIVE' } });
  });
});
