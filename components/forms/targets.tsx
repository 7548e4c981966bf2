'use client';
/**
 * What a form is about — namespace, service, workload — lives in the URL
 * (?ns=&service=&workload=&scope=), so the graph's side panel, the overview and a
 * teammate's link open the same form. Pickers here change the URL; the form below is
 * re-created for the new target.
 */
import { useSearchParams } from 'next/navigation';
import { useId } from 'react';
import { useUpdateParams } from '@/lib/client/selection';
import { listWorkloads } from '@/lib/istio/forms';
import type { MeshResources } from '@/lib/istio/resources';
import s from './forms.module.css';

export function useTarget(): { get: (k: string) => string; set: (changes: Record<string, string | undefined>) => void } {
  const params = useSearchParams();
  const update = useUpdateParams();
  return { get: (k) => params.get(k) ?? '', set: update };
}

export function namespaceNames(r: MeshResources): string[] {
  const names = new Set(r.namespaces.map((n) => n.metadata.name));
  for (const o of [...r.services, ...r.deployments]) if (o.metadata.namespace) names.add(o.metadata.namespace);
  return [...names].sort();
}

export function serviceNames(r: MeshResources, ns: string): string[] {
  return r.services.filter((x) => x.metadata.namespace === ns).map((x) => x.metadata.name).sort();
}

/** Deployments (and pods without one) of a namespace, gateways left out. */
export function workloadNames(r: MeshResources, ns: string): string[] {
  return listWorkloads(r, ns).filter((w) => !w.gateway).map((w) => w.name).sort();
}

export function Picker({ label, value, options, onChange, placeholder, testId }: { label: string; value: string; options: string[]; onChange: (v: string) => void; placeholder: string; testId: string }) {
  const id = useId();
  const all = value && !options.includes(value) ? [value, ...options] : options;
  return (
    <div className={s.field}>
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        <option value="">{placeholder}</option>
        {all.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </div>
  );
}

export function NamespacePicker({ resources, value, onChange }: { resources: MeshResources; value: string; onChange: (v: string) => void }) {
  return <Picker label="Namespace" value={value} options={namespaceNames(resources)} onChange={onChange} placeholder="Choose a namespace…" testId="target-ns" />;
}

export function ServicePicker({ resources, namespace, value, onChange }: { resources: MeshResources; namespace: string; value: string; onChange: (v: string) => void }) {
  return <Picker label="Service" value={value} options={serviceNames(resources, namespace)} onChange={onChange} placeholder="Choose a service…" testId="target-service" />;
}

export function WorkloadPicker({ resources, namespace, value, onChange }: { resources: MeshResources; namespace: string; value: string; onChange: (v: string) => void }) {
  return <Picker label="Workload" value={value} options={workloadNames(resources, namespace)} onChange={onChange} placeholder="Choose a workload…" testId="target-workload" />;
}

export function Pickers({ children }: { children: React.ReactNode }) {
  return <div className={s.pickers}>{children}</div>;
}
