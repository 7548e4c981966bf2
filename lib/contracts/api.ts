/**
 * Shapes of Meshboard's HTTP API, shared by route handlers and the browser data
 * layer. Inputs are zod schemas (validated on the server); outputs are types.
 */
import { z } from 'zod';
import type { NamespaceSummary, ConfigItem } from '../istio/overview';
import type { NamespaceMtls, NamespaceTraffic } from '../istio/overviewPicture';
import { validateWindow } from '../istio/graph/observed';
import type { K8sObject } from '../istio/types';
import type { PrometheusStatus } from './graph';

export const k8sObjectSchema = z.looseObject({
  apiVersion: z.string({ error: 'apiVersion is required' }).min(1, 'apiVersion is required'),
  kind: z.string({ error: 'kind is required' }).min(1, 'kind is required'),
  metadata: z.looseObject(
    {
      name: z.string({ error: 'metadata.name is required' }).min(1, 'metadata.name is required'),
      namespace: z.string().optional(),
      resourceVersion: z.string().optional(),
    },
    { error: 'metadata is required' },
  ),
});

export const booleanParam = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1');

export interface ApiError {
  status: number;
  reason: string;
  message: string;
  causes?: Array<{ field?: string; reason?: string; message?: string }>;
  current?: K8sObject;
  details?: Record<string, unknown>;
}

export interface ContextsResponse {
  current: string;
  contexts: Array<{ name: string; cluster: string; namespace?: string; current: boolean }>;
}

export interface ClusterStatus {
  context: string;
  connected: boolean;
  synced: boolean;
  message?: string;
  since: string;
  forbidden: string[];
}

export interface KindSummary {
  group: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  served: string[];
  preferred: string;
  deprecated: Record<string, string>;
}

export interface OverviewResponse {
  status: ClusterStatus;
  /** Each with the mTLS mode a workload there gets unless a workload policy says otherwise. */
  namespaces: Array<NamespaceSummary & { mtls?: NamespaceMtls }>;
  kinds: KindSummary[];
}

/** GET /api/overview/traffic?window= */
export const overviewTrafficQuerySchema = z.object({
  // The graph's own window rule (lib/istio/graph validateWindow), so both pages accept the same windows.
  window: z
    .string()
    .default('5m')
    .superRefine((w, ctx) => {
      try {
        validateWindow(w);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
      }
    }),
  prometheus: z.string().max(2048).optional(),
});

export interface OverviewTrafficResponse {
  prometheus: PrometheusStatus;
  window: string;
  /** Per destination namespace; empty when Prometheus is off or unavailable. */
  namespaces: Record<string, NamespaceTraffic>;
}

export interface ConfigListResponse {
  status: ClusterStatus;
  kinds: KindSummary[];
  items: ConfigItem[];
}

export interface ResourceResponse {
  object: K8sObject;
}

export type ServerEvent =
  | { type: 'status'; status: ClusterStatus }
  | { type: 'kinds'; kinds: KindSummary[] }
  | { type: 'change'; change: 'ADDED' | 'MODIFIED' | 'DELETED'; typeKey: string; object: K8sObject }
  /** Something the findings depend on changed without a change the browser is sent (a Secret came or went): refetch them. */
  | { type: 'reanalyze' }
  /** The last event of a stream whose client fell behind: changes were dropped, reload and reconnect. */
  | { type: 'reset'; reason: string };

export interface SchemasResponse {
  /** Where the schemas come from: the connected cluster's CRDs, or the bundled Istio release. */
  source: 'cluster' | 'bundled';
  crds: Array<{ apiVersion: string; kind: 'CustomResourceDefinition'; metadata: { name: string }; spec: unknown }>;
}

/** GET /api/session: who the console acts as for this browser. */
export interface SessionResponse {
  username: string;
  groups: string[];
  /** local: the kubeconfig's user; token: a signed-in bearer token; header: an authenticating proxy. */
  mode: 'local' | 'token' | 'header';
  context?: string;
  readOnly: boolean;
}
