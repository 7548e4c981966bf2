'use client';
import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'next/navigation';
import { useMemo } from 'react';
import { analysisQuery, kindsQuery } from '@/lib/client/queries';
import { useLinkParams, useSelectedContext, useSelectedNamespace, useUpdateParams } from '@/lib/client/selection';
import { groupByNamespace, type FindingLevel } from '@/lib/istio/findings';
import { ErrorBox } from '@/components/ui/ErrorBox';
import { findingHref } from './links';

const LEVELS: FindingLevel[] = ['Error', 'Warning', 'Info'];
const CLS: Record<FindingLevel, string> = { Error: 'err', Warning: 'warn', Info: 'info' };

/** Every finding of the validation engine over the live cluster, by namespace and level, each linking to its field. */
export function ValidationsView() {
  const { context } = useSelectedContext();
  const { namespace } = useSelectedNamespace();
  const params = useSearchParams();
  const update = useUpdateParams();
  const link = useLinkParams();
  const level = (params.get('level') as FindingLevel | null) ?? undefined;
  const q = useQuery({ ...analysisQuery(context ?? ''), enabled: !!context });
  const kinds = useQuery({ ...kindsQuery(context ?? ''), enabled: !!context });
  const groups = useMemo(
    () => groupByNamespace((q.data?.findings ?? []).filter((f) => !level || f.level === level)).filter((g) => !namespace || g.namespace === namespace),
    [q.data, level, namespace],
  );
  if (q.isError && !q.data) return <ErrorBox error={q.error} />;
  const total = q.data?.findings.length ?? 0;
  const count = (l: FindingLevel) => q.data?.findings.filter((f) => f.level === l).length ?? 0;
  return (
    <div>
      <div className="spread">
        <h1>Validations</h1>
        <span className="muted">{q.data ? `${total} findings · analyzed in ${q.data.ms} ms` : 'Analyzing…'}</span>
      </div>
      <div className="filters">
        <label>
          Level{' '}
          <select aria-label="Filter by level" value={level ?? ''} onChange={(e) => update({ level: e.target.value || undefined })}>
            <option value="">All levels</option>
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {l} ({count(l)})
              </option>
            ))}
          </select>
        </label>
        <span className="muted">Codes: IST from istioctl analyze, MB for Meshboard&apos;s own (see lib/istio/analysis/CODES.md).</span>
      </div>
      {q.data && groups.length === 0 && <div className="empty card">No findings. The configuration is consistent as far as the analyzers can tell.</div>}
      {groups.map((g) => (
        <section key={g.namespace} className="card" style={{ marginBottom: 12 }} data-testid={`validations-ns-${g.namespace || 'cluster'}`}>
          <h3>{g.namespace ? `Namespace ${g.namespace}` : 'Cluster-scoped'}</h3>
          {LEVELS.filter((l) => g.byLevel[l].length).map((l) => (
            <div key={l}>
              <div className="muted" style={{ margin: '6px 0 2px', fontWeight: 600 }}>
                {l} ({g.byLevel[l].length})
              </div>
              <ul style={{ listStyle: 'none', padding: 0, margin: 0 }}>
                {g.byLevel[l].map((f, i) => {
                  const href = kinds.data ? findingHref(f.resource, f.path, kinds.data.kinds) : undefined;
                  return (
                    <li
                      key={i}
                      className="row"
                      style={{ padding: '3px 0', alignItems: 'baseline', flexWrap: 'nowrap' }}
                      data-testid="finding"
                      data-code={f.code}
                    >
                      <span className={`badge ${CLS[l]}`}>{f.code}</span>
                      {href ? (
                        <Link href={link(href.split('?')[0]!, { path: f.path })} style={{ whiteSpace: 'nowrap' }}>
                          {f.resource}
                        </Link>
                      ) : (
                        <span style={{ whiteSpace: 'nowrap' }}>{f.resource}</span>
                      )}
                      {f.path && <code className="muted">{f.path}</code>}
                      <span>{f.message}</span>
                    </li>
                  );
                })}
              </ul>
            </div>
          ))}
        </section>
      ))}
    </div>
  );
}
