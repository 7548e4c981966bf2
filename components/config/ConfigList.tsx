'use client';
import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'next/navigation';
import { useMemo } from 'react';
import { analysisQuery, configQuery } from '@/lib/client/queries';
import { countByResource } from '@/lib/istio/findings';
import { FindingBadges } from '@/components/validations/FindingBadges';
import { useLinkParams, useSelectedContext, useSelectedNamespace, useUpdateParams } from '@/lib/client/selection';
import { age, filterConfigItems, findingsWeight, kindFilterValue, parseConfigSort, sortConfigItemsBy, type ConfigSortKey } from '@/lib/istio/overview';
import { isGatewayApiGroup, parseApiVersion } from '@/lib/istio/kinds';
import { ErrorBox } from '@/components/ui/ErrorBox';
import { resourcePageHref as resourceHref } from '@/lib/istio/address';
import { usePendingFocus, useWindowedRows } from '@/components/ui/useWindowedRows';

/** Every row is this tall (CSS .vtable), which is what lets the list render only the rows in view. */
const ROW_HEIGHT = 36;
const HEADER_HEIGHT = 34;
const COLUMNS: ReadonlyArray<{ key: ConfigSortKey; label: string; width?: string }> = [
  { key: 'kind', label: 'Kind', width: '18%' },
  { key: 'name', label: 'Name', width: '24%' },
  { key: 'namespace', label: 'Namespace', width: '15%' },
  { key: 'apiVersion', label: 'API version', width: '22%' },
  { key: 'age', label: 'Age', width: '7%' },
  { key: 'findings', label: 'Validation', width: '14%' },
];

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
  const sort = parseConfigSort(params.get('sort'), params.get('dir'));
  const items = useMemo(() => {
    const filtered = filterConfigItems(q.data?.items ?? [], { kinds: kind ? [kind] : undefined, namespaces: namespace ? [namespace] : undefined, text });
    // The server's order is kind, namespace, name: the default sort needs no work.
    if (sort.key === 'kind' && sort.dir === 'asc') return filtered;
    return sortConfigItemsBy(filtered, sort.key, sort.dir, (i) => findingsWeight(counts.get(`${i.kind} ${i.namespace}/${i.name}`)));
  }, [q.data, kind, namespace, text, sort.key, sort.dir, counts]);
  const win = useWindowedRows(items.length, { rowHeight: ROW_HEIGHT, headerHeight: HEADER_HEIGHT });
  const focusLater = usePendingFocus();
  const nextSort = (key: ConfigSortKey) => (sort.key === key ? { sort: key, dir: sort.dir === 'asc' ? 'desc' : 'asc' } : { sort: key, dir: undefined });
  /** Up/Down, PageUp/PageDown, Home/End move between the rows' name links, scrolling the window with them. */
  const onKeyDown = (e: React.KeyboardEvent) => {
    const from = (e.target as HTMLElement).closest('tr')?.getAttribute('data-row');
    if (from == null || items.length === 0) return;
    const page = Math.max(1, Math.floor((win.ref.current?.clientHeight ?? 400) / ROW_HEIGHT) - 1);
    const at = Number(from);
    const to = { ArrowDown: at + 1, ArrowUp: at - 1, PageDown: at + page, PageUp: at - page, Home: 0, End: items.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    const target = Math.min(items.length - 1, Math.max(0, to));
    win.scrollToRow(target);
    focusLater(() => win.ref.current?.querySelector<HTMLElement>(`[data-rowlink="${target}"]`));
  };
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
        <input
          type="search"
          aria-label="Filter by text"
          placeholder="Filter by name…"
          defaultValue={text}
          onChange={(e) => update({ q: e.target.value || undefined })}
        />
        <span className="muted" data-testid="config-count" id="config-count" aria-live="polite">
          {q.data ? `${items.length} of ${q.data.items.length}` : 'Loading…'}
        </span>
      </div>
      <div className="vtable-scroll" ref={win.ref} data-testid="config-scroll">
        <table className="list vtable" data-testid="config-table" aria-rowcount={items.length + 1} aria-label="Istio resources" aria-describedby="config-count">
          <thead>
            <tr aria-rowindex={1}>
              {COLUMNS.map((c) => (
                <th key={c.key} aria-sort={sort.key === c.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined} style={{ width: c.width }}>
                  <button type="button" className="sort" onClick={() => update(nextSort(c.key))} data-testid={`sort-${c.key}`}>
                    {c.label}
                    <span aria-hidden="true" className="sort-mark">
                      {sort.key === c.key ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ' ↕'}
                    </span>
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody onKeyDown={onKeyDown}>
            {win.padTop > 0 && <tr aria-hidden="true" style={{ height: win.padTop }} className="spacer" />}
            {items.slice(win.start, win.end).map((i, k) => {
              const index = win.start + k;
              const written = i.writtenApiVersion !== i.apiVersion ? i.writtenApiVersion : undefined;
              const version = parseApiVersion(written ?? i.apiVersion).version;
              return (
                <tr key={i.id} aria-rowindex={index + 2} data-row={index} data-testid={`row-${kindFilterValue(i)}-${i.namespace}-${i.name}`}>
                  <td>
                    {i.kind}
                    {isGatewayApiGroup(i.group) && <span className="muted"> · Gateway API</span>}
                  </td>
                  <td>
                    <Link href={link(resourceHref({ group: i.group, version, plural: i.plural, namespace: i.namespace, name: i.name }))} data-rowlink={index}>
                      {i.name}
                    </Link>
                  </td>
                  <td>{i.namespace}</td>
                  <td className="mono">
                    {written ?? i.apiVersion}
                    {written && (
                      <span className="badge warn" title={`written as ${written}; ${i.apiVersion} is current`} style={{ marginLeft: 6 }}>
                        older version
                      </span>
                    )}
                  </td>
                  <td title={i.created}>{age(i.created)}</td>
                  <td>
                    {analysis.data ? (
                      <FindingBadges counts={counts.get(`${i.kind} ${i.namespace}/${i.name}`)} testId={`findings-${i.kind}-${i.namespace}-${i.name}`} />
                    ) : null}
                  </td>
                </tr>
              );
            })}
            {win.padBottom > 0 && <tr aria-hidden="true" style={{ height: win.padBottom }} className="spacer" />}
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
    </div>
  );
}
