'use client';
/**
 * Ctrl/Cmd-K from every page: one box over Istio config, namespaces, services,
 * workloads, findings and mesh tasks. A modal <dialog> (focus stays inside, Escape
 * closes) with the ARIA combobox pattern: type, Up/Down to move, Enter to go.
 * Data is fetched when the dialog opens, not before.
 */
import { useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { meshQuery } from '@/lib/client/mesh';
import { analysisQuery, configQuery, overviewQuery } from '@/lib/client/queries';
import { useLinkParams, useSelectedContext } from '@/lib/client/selection';
import { parseApiVersion } from '@/lib/istio/kinds';
import { SEARCH_KIND_LABEL, searchEntries, type SearchEntry } from '@/lib/istio/search';
import { JOBS } from '@/components/forms/catalog';
import { resourcePageHref as resourceHref } from '@/lib/istio/address';
import { findingHref } from '@/components/validations/links';

export function GlobalSearch() {
  const [open, setOpen] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        setOpen(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <>
      <button type="button" className="search-button" onClick={() => setOpen(true)} aria-keyshortcuts="Control+K Meta+K" data-testid="search-button">
        Search <kbd>Ctrl K</kbd>
      </button>
      <dialog
        ref={dialog}
        className="search-dialog"
        aria-label="Search"
        onClose={() => setOpen(false)}
        onClick={(e) => e.target === dialog.current && setOpen(false)}
        data-testid="search-dialog"
      >
        {open && <SearchBox onDone={() => setOpen(false)} />}
      </dialog>
    </>
  );
}

function SearchBox({ onDone }: { onDone: () => void }) {
  const { context } = useSelectedContext();
  const router = useRouter();
  const link = useLinkParams();
  const id = useId();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const on = !!context;
  const config = useQuery({ ...configQuery(context ?? ''), enabled: on });
  const overview = useQuery({ ...overviewQuery(context ?? ''), enabled: on });
  const analysis = useQuery({ ...analysisQuery(context ?? ''), enabled: on });
  const mesh = useQuery({ ...meshQuery(context ?? '', { scope: 'all', namespaces: [] }), enabled: on });

  const entries = useMemo(() => {
    const out: SearchEntry[] = [];
    for (const j of JOBS) out.push({ kind: 'form', title: j.title, detail: j.summary, href: `/forms/${j.job}` });
    for (const n of overview.data?.namespaces ?? [])
      out.push({
        kind: 'namespace',
        title: n.name,
        detail: `${n.dataPlane.mode} data plane · ${n.services} services`,
        href: `/?ns=${encodeURIComponent(n.name)}`,
      });
    const r = mesh.data?.resources;
    for (const s of r?.services ?? []) {
      const ns = s.metadata.namespace ?? '';
      out.push({
        kind: 'service',
        title: s.metadata.name,
        detail: ns,
        href: `/graph?namespaces=${encodeURIComponent(ns)}&node=${encodeURIComponent(`svc:${ns}/${s.metadata.name}`)}`,
      });
    }
    for (const d of r?.deployments ?? []) {
      const ns = d.metadata.namespace ?? '';
      out.push({
        kind: 'workload',
        title: d.metadata.name,
        detail: ns,
        href: `/graph?namespaces=${encodeURIComponent(ns)}&find=${encodeURIComponent(d.metadata.name)}`,
      });
    }
    for (const i of config.data?.items ?? []) {
      const version = parseApiVersion(i.writtenApiVersion !== i.apiVersion ? i.writtenApiVersion : i.apiVersion).version;
      out.push({
        kind: 'resource',
        title: i.name,
        detail: `${i.kind} · ${i.namespace}`,
        href: resourceHref({ group: i.group, version, plural: i.plural, namespace: i.namespace, name: i.name }),
      });
    }
    const kinds = config.data?.kinds ?? overview.data?.kinds ?? [];
    for (const f of analysis.data?.findings ?? [])
      out.push({
        kind: 'finding',
        title: `${f.code} ${f.message}`,
        detail: `${f.level} · ${f.resource}`,
        href: findingHref(f.resource, f.path, kinds) ?? '/validations',
      });
    return out;
  }, [config.data, overview.data, analysis.data, mesh.data]);

  const results = useMemo(() => searchEntries(entries, query, 50), [entries, query]);
  const current = Math.min(active, Math.max(0, results.length - 1));
  const loading = on && (config.isPending || overview.isPending || analysis.isPending || mesh.isPending);

  const go = (e: SearchEntry | undefined) => {
    if (!e) return;
    const [path, qs] = e.href.split('?');
    onDone();
    router.push(link(path!, Object.fromEntries(new URLSearchParams(qs ?? ''))));
  };
  const optionId = (i: number) => `${id}-opt-${i}`;
  useEffect(() => {
    document.getElementById(optionId(current))?.scrollIntoView({ block: 'nearest' });
  });

  return (
    <div className="search-box">
      <input
        type="text"
        role="combobox"
        aria-label="Search resources, namespaces, services, workloads, findings and tasks"
        aria-expanded={results.length > 0}
        aria-controls={`${id}-list`}
        aria-activedescendant={results.length ? optionId(current) : undefined}
        aria-autocomplete="list"
        placeholder="Search resources, namespaces, services, workloads, findings, tasks…"
        autoFocus
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') setActive(Math.min(results.length - 1, current + 1));
          else if (e.key === 'ArrowUp') setActive(Math.max(0, current - 1));
          else if (e.key === 'Enter') go(results[current]);
          else return;
          e.preventDefault();
        }}
        data-testid="search-input"
      />
      <p className="muted search-status" aria-live="polite">
        {loading ? 'Loading…' : `${results.length === 50 ? '50+' : results.length} result${results.length === 1 ? '' : 's'}`} · ↑↓ to move, Enter to open, Esc
        to close
      </p>
      <ul role="listbox" id={`${id}-list`} aria-label="Results" className="search-results">
        {results.map((r, i) => (
          <li
            key={`${r.kind}:${r.href}:${r.title}`}
            id={optionId(i)}
            role="option"
            aria-selected={i === current}
            className={i === current ? 'active' : ''}
            onMouseMove={() => setActive(i)}
            onClick={() => go(r)}
            data-testid="search-result"
          >
            <span className="search-kind">{SEARCH_KIND_LABEL[r.kind]}</span>
            <span className="search-title">{r.title}</span>
            <span className="muted search-detail">{r.detail}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
