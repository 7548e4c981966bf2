'use client';
/**
 * Frame of every Mesh task: title, the mesh snapshot the form works on, the summary of
 * the last apply (with links to what was written), and a reload.
 *
 * The snapshot is pinned: the form below is built from it and re-created only when it is
 * replaced on purpose — after an apply, on "reload", or for another target (which may
 * need more of the mesh, see meshScopeFor). Nothing in the background replaces it: after
 * a reconnect or an API server outage the page says the cluster may have changed and
 * offers a reload, and the user's input, dry run or apply report stay.
 */
import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { meshQuery } from '@/lib/client/mesh';
import { useLinkParams, useSelectedContext } from '@/lib/client/selection';
import type { MeshResponse } from '@/lib/contracts/forms';
import type { MeshResources } from '@/lib/istio/resources';
import { ErrorBox } from '@/components/ui/ErrorBox';
import type { AppliedWrite, Lock } from './applyPhase';
import { jobInfo, meshScopeFor, type FormJob } from './catalog';
import { FormLockContext } from './lock';
import { useFormTarget } from './targets';
import s from './forms.module.css';

export interface FormProps {
  context: string;
  resources: MeshResources;
  /** Number of the snapshot `resources` comes from; a form's body is keyed on it, so it starts again from a new snapshot only. */
  snapshot: number;
  /** Shown instead of the form's body while the mesh for a new target loads (or could not be read); undefined once it is there. */
  pending?: React.ReactNode;
  onApplied: (applied: AppliedWrite[]) => void;
  onReload: () => void;
}

interface Pinned {
  /** Context and scope the data was read for. */
  id: string;
  context: string;
  data: MeshResponse;
  /** dataUpdatedAt of the query when pinned. */
  at: number;
  n: number;
}

interface AppliedReport {
  writes: AppliedWrite[];
  /** Re-reading the cluster after the apply: under way, done (the form starts from it), or failed. */
  reread: 'pending' | 'done' | 'failed';
  error?: unknown;
}

export function FormPage({ job, children }: { job: FormJob; children: (p: FormProps) => React.ReactNode }) {
  const { title, intro } = jobInfo(job);
  const { context } = useSelectedContext();
  const link = useLinkParams();
  const target = useFormTarget();
  const scope = meshScopeFor(job, target);
  const id = JSON.stringify([context ?? '', scope]);
  const mesh = useQuery({ ...meshQuery(context ?? '', scope), enabled: !!context });
  const [pinned, setPinned] = useState<Pinned>();
  const [applied, setApplied] = useState<AppliedReport | null>(null);
  const [reloadError, setReloadError] = useState<unknown>(null);
  const [lock, setLock] = useState<Lock>('open');
  const lockValue = useMemo(() => ({ lock, setLock }), [lock]);

  const current = pinned?.id === id ? pinned : undefined;
  // While the mesh for a new target loads, the pickers stay on the previous snapshot (same context only).
  const shown = current ?? (pinned && pinned.context === context ? pinned : undefined);

  // The first answer for a target becomes the form's snapshot.
  const { data, isFetching, dataUpdatedAt } = mesh;
  useEffect(() => {
    if (!current && data && !isFetching && context) setPinned((p) => ({ id, context, data, at: dataUpdatedAt, n: (p?.n ?? 0) + 1 }));
  }, [current, data, isFetching, dataUpdatedAt, id, context]);

  const { refetch } = mesh;
  /** Read the cluster again and make that the snapshot; false when it could not be read. */
  const reread = useCallback(
    async (forId: string, forContext: string): Promise<{ ok: true } | { ok: false; error: unknown }> => {
      const r = await refetch();
      if (!r.isSuccess) return { ok: false, error: r.error };
      setPinned((p) => ({ id: forId, context: forContext, data: r.data, at: r.dataUpdatedAt, n: (p?.n ?? 0) + 1 }));
      return { ok: true };
    },
    [refetch],
  );
  const onReload = useCallback(() => {
    if (!context) return;
    setApplied(null);
    setReloadError(null);
    void reread(id, context).then((r) => {
      if (!r.ok) setReloadError(r.error);
    });
  }, [reread, id, context]);
  const onApplied = useCallback(
    (writes: AppliedWrite[]) => {
      if (!context) return;
      setReloadError(null);
      setApplied({ writes, reread: 'pending' });
      void reread(id, context).then((r) => setApplied({ writes, reread: r.ok ? 'done' : 'failed', ...(r.ok ? {} : { error: r.error }) }));
    },
    [reread, id, context],
  );

  // The cluster may hold something else than the snapshot: the event stream was interrupted
  // (lib/client/live marks the snapshot stale), or the data was read again meanwhile.
  const stale = !!current && !mesh.isFetching && (mesh.isStale || mesh.dataUpdatedAt !== current.at) && applied?.reread !== 'failed' && !reloadError;
  const pending = current ? undefined : mesh.isError ? (
    <ErrorBox error={mesh.error} title="Could not read the mesh" />
  ) : (
    <div className="empty">Loading the mesh…</div>
  );

  return (
    <FormLockContext.Provider value={lockValue}>
      <div className={s.page}>
        <div className="spread">
          <h1>{title}</h1>
          <span className="row">
            <Link href={link('/forms')}>All mesh tasks</Link>
            {current && (
              <button
                type="button"
                className={s.small}
                onClick={onReload}
                disabled={lock === 'busy' || mesh.isFetching}
                title="Start again from what is on the server now"
                data-testid="reload-snapshot"
              >
                Reload from the cluster
              </button>
            )}
          </span>
        </div>
        <p className={s.intro}>{intro}</p>
        {applied && (
          <div className={applied.reread === 'failed' ? 'banner warn' : 'banner ok'} role="status" data-testid="apply-success">
            <div className="title">Applied. The API server stored:</div>
            <ul>
              {applied.writes.map((a) => (
                <li key={a.title}>
                  {a.action === 'create' ? 'created' : 'updated'} {a.href ? <Link href={link(a.href)}>{a.title}</Link> : a.title}
                  {a.resourceVersion ? <span className="muted"> (resourceVersion {a.resourceVersion})</span> : null}
                </li>
              ))}
            </ul>
            {applied.reread === 'pending' && <div data-testid="apply-reread">Reading the new state from the cluster…</div>}
            {applied.reread === 'done' && <div data-testid="apply-reread">The form below now starts from the new state.</div>}
            {applied.reread === 'failed' && (
              <div data-testid="apply-reread">
                The cluster could not be read again afterwards
                {applied.error instanceof Error && applied.error.message ? ` (${applied.error.message})` : ''}: the form below still shows the state from before
                this change. Reload it before changing anything else.{' '}
                <button type="button" className={s.small} onClick={onReload} disabled={lock === 'busy'}>
                  Reload the form
                </button>
              </div>
            )}
          </div>
        )}
        {stale && (
          <div className="banner info" role="status" data-testid="snapshot-stale">
            <div className={s.lockNote}>
              <span>
                The cluster may have changed since this form was loaded (the connection was interrupted). Your input stays as it is; reload to start again from
                what is on the server now.
              </span>
              <button type="button" className={s.small} onClick={onReload} disabled={lock === 'busy'} data-testid="reload-stale">
                Reload the form
              </button>
            </div>
          </div>
        )}
        {reloadError !== null && <ErrorBox error={reloadError} title="Could not reload the mesh; the form still shows the state it was loaded with" />}
        {!context || !shown
          ? (pending ?? <div className="empty">Loading the mesh…</div>)
          : children({ context, resources: shown.data.resources, snapshot: shown.n, pending, onApplied, onReload })}
      </div>
    </FormLockContext.Provider>
  );
}
