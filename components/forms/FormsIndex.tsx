'use client';
/** /forms: the mesh tasks, with namespace / service / workload pickers that fill their links. */
import Link from 'next/link';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { meshQuery } from '@/lib/client/mesh';
import { useLinkParams, useSelectedContext } from '@/lib/client/selection';
import { ErrorBox } from '@/components/ui/ErrorBox';
import { JOBS } from './catalog';
import { NamespacePicker, Pickers, ServicePicker, useTarget, WorkloadPicker } from './targets';
import s from './forms.module.css';

export function FormsIndex() {
  const { context } = useSelectedContext();
  const link = useLinkParams();
  const t = useTarget();
  const ns = t.get('ns');
  // The pickers need the Namespace objects and the chosen namespace's services and workloads only.
  const mesh = useQuery({
    ...meshQuery(context ?? '', { scope: 'namespaces', namespaces: ns ? [ns] : [] }),
    enabled: !!context,
    placeholderData: keepPreviousData,
  });
  const service = t.get('service');
  const workload = t.get('workload');
  return (
    <div className={s.page}>
      <h1>Mesh tasks</h1>
      <p className={s.intro}>
        Recurring changes as forms. Each writes minimal Istio resources, edits the resource that already owns a setting instead of adding a second one, and
        shows the YAML, a server-side dry run and the diff before it applies anything.
      </p>
      {mesh.isError && !mesh.data && <ErrorBox error={mesh.error} title="Could not read the mesh" />}
      {mesh.data && (
        <Pickers>
          <NamespacePicker
            resources={mesh.data.resources}
            value={ns}
            onChange={(v) => t.set({ ns: v || undefined, service: undefined, workload: undefined })}
          />
          {ns && <ServicePicker resources={mesh.data.resources} namespace={ns} value={service} onChange={(v) => t.set({ service: v || undefined })} />}
          {ns && <WorkloadPicker resources={mesh.data.resources} namespace={ns} value={workload} onChange={(v) => t.set({ workload: v || undefined })} />}
        </Pickers>
      )}
      <div className={s.jobs} data-testid="jobs">
        {JOBS.map((j) => {
          const extra =
            j.needs === 'service' || j.job === 'ambient'
              ? { service: service || undefined }
              : j.needs === 'workload'
                ? { workload: workload || undefined }
                : {};
          return (
            <section key={j.job} className={s.job} data-testid={`job-${j.job}`}>
              <h3>{j.title}</h3>
              <p>{j.summary}</p>
              <Link href={link(`/forms/${j.job}`, { ...extra, ...(j.job === 'mtls' && ns ? { scope: 'namespace' } : {}) })}>
                Open
                {ns
                  ? ` for ${ns}${'service' in extra && extra.service ? `/${extra.service}` : ''}${'workload' in extra && extra.workload ? `/${extra.workload}` : ''}`
                  : ''}
              </Link>
            </section>
          );
        })}
      </div>
    </div>
  );
}
