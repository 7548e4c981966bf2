/**
 * Names of the TLS secrets of a namespace, for the expose form's credentialName. Asked
 * of the API server directly (the watch cache holds no Secrets) as a metadata-only list
 * (PartialObjectMetadataList) filtered by type, so secret data is never read, not even by
 * Meshboard's server. There is deliberately no fallback to a plain list: an API server
 * that does not answer with metadata only is refused (502) rather than sending us the
 * keys. Listing needs RBAC `list secrets` in that namespace; a 403 passes through.
 */
import 'server-only';
import type { TlsSecretsResponse } from '../contracts/forms';
import { KubeApiError } from '../k8s/errors';
import { kubeConfigFor } from '../k8s/kubeconfig';
import { kubeRequest, METADATA_LIST_ACCEPT } from '../k8s/request';

/** Only the metadata-only list is acceptable (no ",application/json" fallback). */
export { METADATA_LIST_ACCEPT };

interface MetadataList {
  kind?: string;
  apiVersion?: string;
  items?: Array<{ metadata?: { name?: string } }>;
}

export async function listTlsSecretNames(context: string | undefined, namespace: string): Promise<TlsSecretsResponse> {
  const { kc } = kubeConfigFor(context);
  const list = await kubeRequest<MetadataList>(kc, {
    path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets`,
    query: { fieldSelector: 'type=kubernetes.io/tls' },
    accept: METADATA_LIST_ACCEPT,
  });
  if (list.kind !== 'PartialObjectMetadataList') {
    throw new KubeApiError(
      502,
      'BadGateway',
      `The Kubernetes API server answered the metadata-only list of secrets in ${namespace} with ${list.kind ? `a ${list.kind}` : 'something else'}; Meshboard does not read secrets any other way, so none can be offered. Type the name of the TLS secret.`,
    );
  }
  // Names only: whatever else an item carries never leaves this function.
  const names = (list.items ?? [])
    .map((i) => i.metadata?.name)
    .filter((n): n is string => typeof n === 'string' && n !== '')
    .sort();
  return { namespace, names };
}
