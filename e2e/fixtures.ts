/** Test fixtures: the running app's URL, kubectl against the test cluster, fresh namespaces. */
import { test as base, expect } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { runKubectl } from './cluster/cluster';
import { readState, type E2eState } from './support/state';

export interface Kubectl {
  (args: string[], input?: string): Promise<string>;
  raw(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }>;
}

export const test = base.extend<{ env: E2eState; kubectl: Kubectl; uniq: (prefix: string) => string }>({
  env: async ({}, use) => use(readState()),
  baseURL: async ({ env }, use) => use(env.url),
  kubectl: async ({ env }, use) => {
    const raw = (args: string[], input?: string) => runKubectl(env.kubectl, env.kubeconfig, args, input);
    const k = (async (args: string[], input?: string) => {
      const r = await raw(args, input);
      if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr || r.stdout}`);
      return r.stdout;
    }) as Kubectl;
    k.raw = raw;
    await use(k);
  },
  // Namespaces cannot be deleted without a controller-manager: every test that
  // writes uses names of its own.
  uniq: async ({}, use) => use((prefix: string) => `${prefix}-${randomBytes(3).toString('hex')}`),
});

export { expect };
