/** The mesh config as Istio stores it: ConfigMap "istio" in the root namespace, key "mesh" (YAML). Pure. */
import { parse } from 'yaml';
import type { K8sObject, MeshConfig } from './types';

export function meshConfigFromConfigMap(cm: K8sObject | undefined): MeshConfig | undefined {
  const text = (cm?.data as Record<string, string> | undefined)?.mesh;
  if (typeof text !== 'string') return undefined;
  try {
    const v = parse(text) as unknown;
    return v && typeof v === 'object' ? (v as MeshConfig) : undefined;
  } catch {
    return undefined;
  }
}
