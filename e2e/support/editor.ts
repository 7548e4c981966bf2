/** Drive the Monaco YAML editor like a user: paste text, read what it holds, read its markers. */
import type { Page } from '@playwright/test';
import { expect } from '@playwright/test';

export async function waitForEditor(page: Page): Promise<void> {
  await expect(page.locator('[data-testid=yaml-editor] .monaco-editor')).toBeVisible({ timeout: 30_000 });
  await page.waitForFunction(() => (window as any).__meshboardMonaco?.editor.getModels().length > 0);
}

export async function editorText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const models = (window as any).__meshboardMonaco.editor.getModels() as Array<{ uri: { toString(): string }; getValue(): string }>;
    const m = models.find((x) => x.uri.toString().startsWith('file:///meshboard/'));
    return m ? m.getValue() : '';
  });
}

/** Select all and paste `text`: one edit over the whole document, as a paste makes (no auto-indent). */
export async function pasteIntoEditor(page: Page, text: string): Promise<void> {
  await page.locator('[data-testid=yaml-editor] .monaco-editor .view-lines').click();
  await page.evaluate((t) => {
    const ed = (window as any).__meshboardMonaco.editor.getEditors()[0];
    const model = ed.getModel();
    ed.pushUndoStop();
    ed.executeEdits('paste', [{ range: model.getFullModelRange(), text: t, forceMoveMarkers: true }]);
    ed.pushUndoStop();
  }, text);
}

export async function markers(page: Page): Promise<Array<{ line: number; column: number; message: string; severity: number }>> {
  return page.evaluate(() =>
    (
      (window as any).__meshboardMonaco.editor.getModelMarkers({ owner: 'meshboard' }) as Array<{
        startLineNumber: number;
        startColumn: number;
        message: string;
        severity: number;
      }>
    ).map((m) => ({
      line: m.startLineNumber,
      column: m.startColumn,
      message: m.message,
      severity: m.severity,
    })),
  );
}

export function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`${needle} not in:\n${text}`);
  return i + 1;
}

/** A DestinationRule `name` in `ns` with a TLS mode, as YAML (the editor tests edit it). */
export const DR = (ns: string, name: string, mode = 'ISTIO_MUTUAL') => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  host: ${name}.${ns}.svc.cluster.local
  trafficPolicy:
    tls:
      mode: ${mode}
`;
