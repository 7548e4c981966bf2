/**
 * Where cluster credentials come from: $KUBECONFIG, ~/.kube/config, or the pod's
 * service account when Meshboard runs in-cluster. Credentials stay in this process;
 * only context names ever leave it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { KubeConfig } from '@kubernetes/client-node';

export class UnknownContextError extends Error {
  constructor(
    public readonly context: string,
    public readonly known: string[],
  ) {
    super(`Unknown kubeconfig context "${context}". Known contexts: ${known.join(', ') || '(none)'}.`);
    this.name = 'UnknownContextError';
  }
}

export class NoKubeconfigError extends Error {
  constructor(detail: string) {
    super(`No Kubernetes configuration found (${detail}). Set KUBECONFIG, create ~/.kube/config, or run in-cluster.`);
    this.name = 'NoKubeconfigError';
  }
}

export interface ContextInfo {
  name: string;
  cluster: string;
  namespace?: string;
  current: boolean;
}

let base: KubeConfig | null = null;
let loadedFrom = '';

function load(): KubeConfig {
  const source = process.env.KUBECONFIG ?? '';
  if (base && loadedFrom === source) return base;
  const kc = new KubeConfig();
  try {
    kc.loadFromDefault(); // KUBECONFIG, then ~/.kube/config, then in-cluster service account
  } catch (e) {
    throw new NoKubeconfigError((e as Error).message);
  }
  if (!kc.getContexts().length) throw new NoKubeconfigError(source ? `KUBECONFIG=${source} has no contexts` : 'no contexts');
  base = kc;
  loadedFrom = source;
  return kc;
}

export function listContexts(): { contexts: ContextInfo[]; current: string } {
  const kc = load();
  const current = kc.getCurrentContext();
  return {
    current,
    contexts: kc.getContexts().map((c) => ({ name: c.name, cluster: c.cluster, namespace: c.namespace, current: c.name === current })),
  };
}

export function defaultContext(): string {
  return load().getCurrentContext();
}

/** A KubeConfig whose current context is `context` (the default one when omitted). */
export function kubeConfigFor(context?: string): { kc: KubeConfig; context: string } {
  const kc0 = load();
  const actor = currentActor();
  if (actor) {
    // In-cluster sign-in serves the console's own (single) context only, as the person.
    const name = actor.kc.getCurrentContext();
    if (context && context !== name) throw new UnknownContextError(context, [name]);
    return { kc: actor.kc, context: name };
  }
  const name = context || kc0.getCurrentContext();
  const known = kc0.getContexts().map((c) => c.name);
  if (!known.includes(name)) throw new UnknownContextError(name, known);
  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters: kc0.getClusters(), users: kc0.getUsers(), contexts: kc0.getContexts(), currentContext: name });
  return { kc, context: name };
}

/**
 * In-cluster sign-in: the person a request is made for. While a handler runs inside
 * `runAs`, kubeConfigFor() hands out that person's credentials (their bearer token, or
 * the console's own credentials with Impersonate-* headers) instead of the console's,
 * so every request the handler makes is answered as it would be for them. The shared
 * watch cache is created outside any actor (asConsole) and filtered per person.
 */

export interface Actor {
  kc: KubeConfig;
  /** Opaque per-actor data the cache layer attaches (the person's access rules). */
  scope?: unknown;
}

const actors = new AsyncLocalStorage<Actor>();

export function runAs<T>(actor: Actor, fn: () => T): T {
  return actors.run(actor, fn);
}

export function currentActor(): Actor | undefined {
  return actors.getStore();
}

/** Run with the console's own credentials (for the shared cache). */
export function asConsole<T>(fn: () => T): T {
  return actors.exit(fn);
}

class ImpersonatingKubeConfig extends KubeConfig {
  constructor(
    private readonly user: string,
    private readonly groups: readonly string[],
  ) {
    super();
  }
  override async applyToHTTPSOptions(opts: Parameters<KubeConfig['applyToHTTPSOptions']>[0]): Promise<void> {
    await super.applyToHTTPSOptions(opts);
    const headers = { ...((opts as { headers?: Record<string, string | string[]> }).headers ?? {}) };
    headers['Impersonate-User'] = this.user;
    if (this.groups.length) headers['Impersonate-Group'] = [...this.groups];
    (opts as { headers?: Record<string, string | string[]> }).headers = headers;
  }
}

/**
 * A KubeConfig acting for one person against the console's own cluster: with their
 * bearer token, or (header mode) the console's credentials plus impersonation.
 */
export function kubeConfigForPerson(who: { token: string } | { impersonate: { user: string; groups: readonly string[] } }): KubeConfig {
  const base = asConsole(() => kubeConfigFor().kc);
  const cluster = base.getCurrentCluster();
  if (!cluster) throw new NoKubeconfigError('the current context has no cluster');
  if ('token' in who) {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [cluster],
      users: [{ name: 'person', token: who.token }],
      contexts: [{ name: base.getCurrentContext(), cluster: cluster.name, user: 'person' }],
      currentContext: base.getCurrentContext(),
    });
    return kc;
  }
  const kc = new ImpersonatingKubeConfig(who.impersonate.user, who.impersonate.groups);
  kc.loadFromOptions({ clusters: base.getClusters(), users: base.getUsers(), contexts: base.getContexts(), currentContext: base.getCurrentContext() });
  return kc;
}
