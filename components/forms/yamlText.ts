/**
 * The YAML text of a form's writes (the read-only preview and the review diff). ApplyFlow
 * loads this module when it first shows YAML: the yaml package is the largest part of a
 * form's code, and a form that changes nothing never needs it.
 */
import { editText, forEditing } from '@/lib/istio/editor/display';
import type { K8sObject } from '@/lib/istio/types';
import { toYamlStream } from '@/lib/istio/yaml';

export { editText };

/** An object as a person reads it: server-owned metadata left out, apiVersion/kind/metadata/spec first. */
function forReading(o: K8sObject): K8sObject {
  const { apiVersion, kind, metadata, ...rest } = forEditing(o);
  return { apiVersion, kind, metadata, ...rest };
}

/** The objects as one multi-document stream, as the preview shows them. */
export function readingYaml(objects: readonly K8sObject[]): string {
  return toYamlStream(objects.map(forReading));
}
