/**
 * Where cluster credentials come from: $KUBECONFIG, ~/.kube/config, or the pod's
 * service account when Meshboard runs in-cluster. Credentials stay in this process;
 * only context names ever leave it.
 */
import { KubeConfig } from '@kubernetes/client-node';

export class UnknownContextError extends Error {
  constructor(public readonly context: string, public readonly known: string[]) {
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
  const name = context || kc0.getCurrentContext();
  const known = kc0.getContexts().map((c) => c.name);
  if (!known.includes(name)) throw new UnknownContextError(name, known);
  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters: kc0.getClusters(), users: kc0.getUsers(), contexts: kc0.getContexts(), currentContext: name });
  return { kc, context: name };
}
