'use client';
/**
 * What a form is about — namespace, service, workload — lives in the URL
 * (?ns=&service=&workload=&scope=), so the graph's side panel, the overview and a
 * teammate's link open the same form. Pickers here change the URL; the form below is
 * re-created for the new target. A picker never shows a value the cluster does not have:
 * a link naming one gets a message (TargetMissing) instead of a form for it.
 */
import { useSearchParams } from 'next/navigation';
import { useId, useMemo } from 'react';
import { useUpdateParams } from '@/lib/client/selection';
import { listWorkloads } from '@/lib/istio/forms/mesh';
import type { MeshResources } from '@/lib/istio/resources';
import type { FormTarget } from './catalog';
import { useFormLock } from './lock';
import s from './forms.module.css';

export function useTarget(): { get: (k: string) => string; set: (changes: Record<string, string | undefined>) => void } {
  const params = useSearchParams();
  const update = useUpdateParams();
  return { get: (k) => params.get(k) ?? '', set: update };
}

/** The form's target from the URL. */
export function useFormTarget(): FormTarget {
  const t = useTarget();
  return { ns: t.get('ns'), service: t.get('service'), workload: t.get('workload'), scope: t.get('scope') };
}

export function namespaceNames(r: MeshResources): string[] {
  const names = new Set(r.namespaces.map((n) => n.metadata.name));
  for (const o of [...r.services, ...r.deployments]) if (o.metadata.namespace) names.add(o.metadata.namespace);
  return [...names].sort();
}

export function serviceNames(r: MeshResources, ns: string): string[] {
  return r.services
    .filter((x) => x.metadata.namespace === ns)
    .map((x) => x.metadata.name)
    .sort();
}

/** Deployments (and pods without one) of a namespace, gateways left out. */
export function workloadNames(r: MeshResources, ns: string): string[] {
  return listWorkloads(r, ns)
    .filter((w) => !w.gateway)
    .map((w) => w.name)
    .sort();
}

export function Picker({
  label,
  value,
  options,
  onChange,
  placeholder,
  testId,
}: {
  label: string;
  value: string;
  options: string[];
  onChange: (v: string) => void;
  placeholder: string;
  testId: string;
}) {
  const id = useId();
  // A value the cluster does not have (a stale or mistyped link) is not offered as if it existed.
  const shown = options.includes(value) ? value : '';
  return (
    <div className={s.field}>
      <label htmlFor={id}>{label}</label>
      <select id={id} value={shown} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        <option value="">{placeholder}</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </div>
  );
}

export function NamespacePicker({ resources, value, onChange }: { resources: MeshResources; value: string; onChange: (v: string) => void }) {
  const options = useMemo(() => namespaceNames(resources), [resources]);
  return <Picker label="Namespace" value={value} options={options} onChange={onChange} placeholder="Choose a namespace…" testId="target-ns" />;
}

export function ServicePicker({
  resources,
  namespace,
  value,
  onChange,
}: {
  resources: MeshResources;
  namespace: string;
  value: string;
  onChange: (v: string) => void;
}) {
  const options = useMemo(() => serviceNames(resources, namespace), [resources, namespace]);
  return <Picker label="Service" value={value} options={options} onChange={onChange} placeholder="Choose a service…" testId="target-service" />;
}

export function WorkloadPicker({
  resources,
  namespace,
  value,
  onChange,
}: {
  resources: MeshResources;
  namespace: string;
  value: string;
  onChange: (v: string) => void;
}) {
  const options = useMemo(() => workloadNames(resources, namespace), [resources, namespace]);
  return <Picker label="Workload" value={value} options={options} onChange={onChange} placeholder="Choose a workload…" testId="target-workload" />;
}

/** The target pickers; locked with the form while a dry run or an apply is under way or reviewed. */
export function Pickers({ children }: { children: React.ReactNode }) {
  const { lock } = useFormLock();
  return (
    <fieldset className={s.lock} disabled={lock !== 'open'} data-testid="target-pickers">
      <div className={s.pickers}>{children}</div>
    </fieldset>
  );
}

/** Instead of a form for a target the cluster does not have. */
export function TargetMissing({ children }: { children: React.ReactNode }) {
  return (
    <div className="banner warn" role="alert" data-testid="target-missing">
      {children}
    </div>
  );
}

/** "There is no namespace x in the cluster (or you may not read it)." — null when every part of the target exists. */
export function missingTarget(resources: MeshResources, t: { ns?: string; service?: string; workload?: string }): string | null {
  if (t.ns && !namespaceNames(resources).includes(t.ns))
    return `There is no namespace ${t.ns} in the cluster (or you may not read it). Choose one from the list.`;
  if (t.ns && t.service && !serviceNames(resources, t.ns).includes(t.service))
    return `There is no Service ${t.service} in namespace ${t.ns}. Choose one from the list.`;
  if (t.ns && t.workload && !workloadNames(resources, t.ns).includes(t.workload))
    return `There is no workload ${t.workload} in namespace ${t.ns}. Choose one from the list.`;
  return null;
}

/**
 * The frame of a form about one service: namespace and service pickers (kept in the
 * URL), a message for a target that does not exist, and the form body once both are
 * chosen (keyed so a new target or snapshot starts the body afresh).
 */
export function ServiceTargetForm<P extends { resources: MeshResources; pending?: React.ReactNode; snapshot: number }>({
  props,
  prompt,
  Body,
}: {
  props: P;
  prompt: string;
  Body: React.ComponentType<P & { namespace: string; service: string }>;
}) {
  const t = useTarget();
  const ns = t.get('ns');
  const service = t.get('service');
  const missing = props.pending ? null : missingTarget(props.resources, { ns, service });
  return (
    <>
      <Pickers>
        <NamespacePicker resources={props.resources} value={ns} onChange={(v) => t.set({ ns: v || undefined, service: undefined })} />
        {ns && <ServicePicker resources={props.resources} namespace={ns} value={service} onChange={(v) => t.set({ service: v || undefined })} />}
      </Pickers>
      {props.pending ??
        (missing ? (
          <TargetMissing>{missing}</TargetMissing>
        ) : ns && service ? (
          <Body key={`${props.snapshot}/${ns}/${service}`} {...props} namespace={ns} service={service} />
        ) : (
          <div className="empty">{prompt}</div>
        ))}
    </>
  );
}
