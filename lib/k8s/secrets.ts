/**
 * Names of the TLS secrets of a namespace, for the expose form's credentialName. Asked
 * of the API server directly (the watch cache holds no Secrets) as a metadata-only list
 * filtered by type, so secret data is never read, not even by Meshboard's server.
 * Listing needs RBAC `list secrets` in that namespace; a 403 passes through.
 */
import type { TlsSecretsResponse } from '../contracts/forms';
import { kubeConfigFor } from './kubeconfig';
import { kubeRequest } from './request';

const METADATA_LIST = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';

export async function listTlsSecretNames(context: string, namespace: string): Promise<TlsSecretsResponse> {
  const { kc } = kubeConfigFor(context);
  const list = await kubeRequest<{ items?: Array<{ metadata?: { name?: string } }> }>(kc, {
    path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets`,
    query: { fieldSelector: 'type=kubernetes.io/tls' },
    accept: METADATA_LIST,
  });
  const names = (list.items ?? []).map((i) => i.metadata?.name).filter((n): n is string => !!n).sort();
  return { namespace, names };
}
