'use client';
/**
 * Frame of every Mesh task: title, the mesh snapshot the form works on, the summary of
 * the last apply (with links to what was written), and a reload. The form below is
 * re-created from the live state after each apply or reload, so it always starts from
 * what is on the server.
 */
import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { meshQuery } from '@/lib/client/mesh';
import { useLinkParams, useSelectedContext } from '@/lib/client/selection';
import type { MeshResources } from '@/lib/istio/resources';
import { ErrorBox } from '@/components/ui/ErrorBox';
import type { AppliedWrite } from './ApplyFlow';
import { jobInfo, type FormJob } from './jobs';
import s from './forms.module.css';

export interface FormProps {
  context: string;
  resources: MeshResources;
  onApplied: (applied: AppliedWrite[]) => void;
  onReload: () => void;
}

export function FormPage({ job, children }: { job: FormJob; children: (p: FormProps) => React.ReactNode }) {
  const { title, intro } = jobInfo(job);
  const { context } = useSelectedContext();
  const link = useLinkParams();
  const mesh = useQuery({ ...meshQuery(context ?? ''), enabled: !!context });
  const [applied, setApplied] = useState<AppliedWrite[] | null>(null);
  const { refetch } = mesh;
  const onReload = useCallback(() => {
    setApplied(null);
    void refetch();
  }, [refetch]);
  const onApplied = useCallback(
    (a: AppliedWrite[]) => {
      setApplied(a);
      void refetch();
    },
    [refetch],
  );

  return (
    <div className={s.page}>
      <div className="spread">
        <h1>{title}</h1>
        <span className="row">
          <Link href={link('/forms')}>All mesh tasks</Link>
          {mesh.data && (
            <button type="button" className={s.small} onClick={onReload} title="Start again from what is on the server now" data-testid="reload-snapshot">
              Reload from the cluster
            </button>
          )}
        </span>
      </div>
      <p className={s.intro}>{intro}</p>
      {applied && (
        <div className="banner ok" role="status" data-testid="apply-success">
          <div className="title">Applied. The API server stored:</div>
          <ul>
            {applied.map((a) => (
              <li key={a.title}>
                {a.action === 'create' ? 'created' : 'updated'} {a.href ? <Link href={link(a.href)}>{a.title}</Link> : a.title}
                {a.resourceVersion ? <span className="muted"> (resourceVersion {a.resourceVersion})</span> : null}
              </li>
            ))}
          </ul>
          <div>The form below now starts from the new state.</div>
        </div>
      )}
      {mesh.isError && !mesh.data ? (
        <ErrorBox error={mesh.error} title="Could not read the mesh" />
      ) : !mesh.data || !context ? (
        <div className="empty">Loading the mesh…</div>
      ) : (
        <div key={mesh.dataUpdatedAt}>{children({ context, resources: mesh.data.resources, onApplied, onReload })}</div>
      )}
    </div>
  );
}
