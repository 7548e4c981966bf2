/** The YAML a person edits: the object without server-owned noise. Pure. */
import type { K8sObject } from '../types';
import { toYaml } from '../yaml';

const SERVER_OWNED_META = ['resourceVersion', 'uid', 'generation', 'creationTimestamp', 'managedFields', 'selfLink'] as const;

export function forEditing(o: K8sObject): K8sObject {
  const metadata: Record<string, unknown> = { ...o.metadata };
  for (const k of SERVER_OWNED_META) delete metadata[k];
  const annotations = { ...(o.metadata.annotations ?? {}) };
  delete annotations['kubectl.kubernetes.io/last-applied-configuration'];
  if (Object.keys(annotations).length) metadata.annotations = annotations;
  else delete metadata.annotations;
  const { status: _status, ...rest } = o;
  return { ...rest, metadata: metadata as unknown as K8sObject['metadata'] };
}

export function editText(o: K8sObject): string {
  return toYaml(forEditing(o));
}
