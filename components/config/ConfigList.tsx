'use client';
import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'next/navigation';
import { useMemo } from 'react';
import { analysisQuery, configQuery } from '@/lib/client/queries';
import { countByResource } from '@/lib/istio/findings';
import { FindingBadges } from '@/components/validations/FindingBadges';
import { useLinkParams, useSelectedContext, useSelectedNamespace, useUpdateParams } from '@/lib/client/selection';
import { age, filterConfigItems, kindFilterValue } from '@/lib/istio/overview';
import { isGatewayApiGroup, parseApiVersion } from '@/lib/istio/kinds';
import { ErrorBox } from '@/components/ui/ErrorBox';
import { resourcePageHref as resourceHref } from '@/lib/istio/address';

export function ConfigList() {
  const { context } = useSelectedContext();
  const { namespace } = useSelectedNamespace();
  const params = useSearchParams();
  const update = useUpdateParams();
  const link = useLinkParams();
  const kind = params.get('kind') ?? '';
  const text = params.get('q') ?? '';
  const q = useQuery({ ...configQuery(context ?? ''), enabled: !!context });
  const analysis = useQuery({ ...analysisQuery(context ?? ''), enabled: !!context });
  const counts = useMemo(() => countByResource(analysis.data?.findings ?? []), [analysis.data]);
  const items = useMemo(
    () => filterConfigItems(q.data?.items ?? [], { kinds: kind ? [kind] : undefined, namespaces: namespace ? [namespace] : undefined, text }),
    [q.data, kind, namespace, text],
  );
  if (q.isError && !q.data) return <ErrorBox error={q.error} />;
  const kinds = q.data?.kinds ?? [];
  return (
    <div>
      <div className="spread">
        <h1>Istio Config</h1>
        <Link href={link('/config/new', kind ? { kind } : {})} className="badge info" style={{ padding: '6px 12px', fontSize: 14 }}>
          + New resource
        </Link>
      </div>
      <div className="filters">
        <label>
          Kind{' '}
          <select aria-label="Filter by kind" value={kind} onChange={(e) => update({ kind: e.target.value || undefined })}>
            <option value="">All kinds</option>
            {kinds.map((k) => (
              <option key={`${k.group}/${k.kind}`} value={kindFilterValue(k)}>
                {k.kind}
                {isGatewayApiGroup(k.group) ? ' (Gateway API)' : ''}
              </option>
            ))}
          </select>
        </label>
        <input type="search" aria-label="Filter by text" placeholder="Filter by name…" defaultValue={text} onChange={(e) => update({ q: e.target.value || undefined })} />
        <span className="muted" data-testid="config-count">
          {q.data ? `${items.length} of ${q.data.items.length}` : 'Loading…'}
        </span>
      </div>
      <table className="list" data-testid="config-table">
        <thead>
          <tr>
            <th>Kind</th>
            <th>Name</th>
            <th>Namespace</th>
            <th>API version</th>
            <th>Age</th>
            <th>Validation</th>
          </tr>
        </thead>
        <tbody>
          {items.map((i) => {
            const written = i.writtenApiVersion !== i.apiVersion ? i.writtenApiVersion : undefined;
            const version = parseApiVersion(written ?? i.apiVersion).version;
            return (
              <tr key={i.id} data-testid={`row-${kindFilterValue(i)}-${i.namespace}-${i.name}`}>
                <td>
                  {i.kind}
                  {isGatewayApiGroup(i.group) && <span className="muted"> · Gateway API</span>}
                </td>
                <td>
                  <Link href={link(resourceHref({ group: i.group, version, plural: i.plural, namespace: i.namespace, name: i.name }))}>{i.name}</Link>
                </td>
                <td>{i.namespace}</td>
                <td className="mono">
                  {written ?? i.apiVersion}
                  {written && <span className="badge warn" title={`written as ${written}; ${i.apiVersion} is current`} style={{ marginLeft: 6 }}>older version</span>}
                </td>
                <td title={i.created}>{age(i.created)}</td>
                <td>{analysis.data ? <FindingBadges counts={counts.get(`${i.kind} ${i.namespace}/${i.name}`)} testId={`findings-${i.kind}-${i.namespace}-${i.name}`} /> : null}</td>
              </tr>
            );
          })}
          {q.data && items.length === 0 && (
            <tr>
              <td colSpan={6} className="empty">
                No Istio resources match.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
