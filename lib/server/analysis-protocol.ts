/** Messages between analysis.ts and its worker thread (analysis-worker.ts). */
import type { Finding } from '../istio/findings';
import type { K8sObject } from '../istio/types';

/** What changed since the last message: objects by resourceId. */
export interface WorkerSync {
  upserts: Array<[string, K8sObject]>;
  deletes: string[];
  /** The istio ConfigMap: undefined = unchanged, null = gone. */
  meshConfigMap?: K8sObject | null;
  /** The Istio CRDs, when they changed. */
  crds?: unknown[];
  /** Kinds the console may not list (AnalyzeOptions.unreadKinds), when they changed. */
  forbidden?: string[];
}

export interface WorkerRequest {
  id: number;
  sync: WorkerSync;
  /** Findings about this object in place of its live version; absent: the whole mesh. */
  edit?: K8sObject;
}

export type WorkerReply = { id: number; findings: Finding[]; ms: number } | { id: number; error: string };
