'use client';
import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { analysisQuery, overviewQuery, overviewTrafficQuery } from '@/lib/client/queries';
import { useLinkParams, useSelectedContext, useSelectedNamespace } from '@/lib/client/selection';
import type { OverviewResponse, OverviewTrafficResponse } from '@/lib/contracts/api';
import type { NamespaceSummary } from '@/lib/istio/overview';
import { findingsByNamespace, type LevelCounts } from '@/lib/istio/overviewPicture';
import { ErrorBox } from '@/components/ui/ErrorBox';

function InjectionBadge({ ns }: { ns: NamespaceSummary }) {
  if (ns.dataPlane?.mode === 'ambient') {
    return (
      <span className="badge ok" title={ns.dataPlane.reason}>
        ambient
      </span>
    );
  }
  switch (ns.injection) {
    case 'enabled':
      return (
        <span className="badge ok" title="istio-injection=enabled">
          injection enabled
        </span>
      );
    case 'revision':
      return (
        <span className="badge ok" title={`istio.io/rev=${ns.revision}`}>
          revision {ns.revision}
        </span>
      );
    case 'disabled':
      return (
        <span className="badge warn" title="istio-injection=disabled">
          injection disabled
        </span>
      );
    default:
      return <span className="badge">no injection label</span>;
  }
}

export function OverviewView() {
  const { context } = useSelectedContext();
  const { namespace } = useSelectedNamespace();
  const link = useLinkParams();
  const q = useQuery({ ...overviewQuery(context ?? ''), enabled: !!context });
  const analysis = useQuery({ ...analysisQuery(context ?? ''), enabled: !!context });
  const traffic = useQuery(overviewTrafficQuery());
  const findings = useMemo(() => (analysis.data ? findingsByNamespace(analysis.data.findings) : undefined), [analysis.data]);
  if (q.isError && !q.data) return <ErrorBox error={q.error} />;
  if (!q.data) return <div className="empty">Loading the cluster…</div>;
  const namespaces = q.data.namespaces.filter((n) => !namespace || n.name === namespace);
  const modes = { sidecar: 0, ambient: 0, none: 0 };
  for (const n of namespaces) modes[n.dataPlane.mode]++;
  return (
    <div>
      <div className="spread">
        <h1>Overview</h1>
        <span className="muted">
          {q.data.namespaces.length} namespaces · {q.data.kinds.length} Istio kinds served
        </span>
      </div>
      <p className="muted" data-testid="overview-summary">
        {namespaces.length} namespaces: {modes.sidecar} with sidecars, {modes.ambient} ambient, {modes.none} outside the mesh.{' '}
        <TrafficStatus t={traffic.data} failed={traffic.isError} />
      </p>
      <div className="cards" data-testid="namespace-cards">
        {namespaces.map((ns) => {
          const total = Object.values(ns.istioConfig).reduce((a, b) => a + b, 0) + Object.values(ns.gatewayApiConfig ?? {}).reduce((a, b) => a + b, 0);
          return (
            <section key={ns.name} className="card" data-testid={`ns-${ns.name}`} aria-label={`Namespace ${ns.name}`}>
              <h3>
                {ns.name} <InjectionBadge ns={ns} />
                {ns.dataPlane?.conflict && (
                  <span className="badge warn" title={ns.dataPlane.conflict}>
                    sidecar + ambient labels
                  </span>
                )}
                {ns.terminating && <span className="badge warn">terminating</span>}
              </h3>
              <div className="ns-picture">
                <DataPlaneTile ns={ns} href={link('/forms/injection', { ns: ns.name })} />
                <MtlsTile ns={ns} href={link('/forms/mtls', { ns: ns.name, scope: 'namespace' })} />
                <FindingsTile name={ns.name} counts={findings?.get(ns.name)} loaded={!!findings} href={link('/validations', { ns: ns.name })} />
                <TrafficTile name={ns.name} t={traffic.data} href={link('/graph', { namespaces: ns.name, ns: undefined })} />
              </div>
              <div className="stats">
                <span>
                  <b>{ns.services}</b> services
                </span>
                <span>
                  <b>{ns.workloads}</b> workloads
                </span>
                <span>
                  <b>{ns.podsWithSidecar}</b>/{ns.pods} pods with sidecar
                </span>
                {ns.podsByMode?.ambient ? (
                  <span data-testid={`ns-ambient-${ns.name}`}>
                    <b>{ns.podsByMode.ambient}</b> in ambient
                  </span>
                ) : null}
              </div>
              <div className="row" style={{ marginTop: 6 }} data-testid={`ns-tasks-${ns.name}`}>
                <span className="muted">Tasks:</span>
                <Link href={link('/forms/mtls', { ns: ns.name, scope: 'namespace' })}>mTLS</Link>
                <Link href={link('/forms/injection', { ns: ns.name })}>Sidecar injection</Link>
                <Link href={link('/forms/serviceentry', { ns: ns.name })}>ServiceEntry</Link>
              </div>
              <div className="row" style={{ marginTop: 6 }}>
                {total === 0 && <span className="muted">No Istio config</span>}
                {Object.entries(ns.istioConfig)
                  .sort()
                  .map(([kind, n]) => (
                    <Link key={kind} href={link('/config', { ns: ns.name, kind })} className="badge info">
                      {kind}: {n}
                    </Link>
                  ))}
                {Object.entries(ns.gatewayApiConfig ?? {})
                  .sort()
                  .map(([kind, n]) => (
                    <Link
                      key={`gw-${kind}`}
                      href={link('/config', { ns: ns.name, kind: `${kind}.gateway.networking.k8s.io` })}
                      className="badge info"
                      title="Gateway API"
                    >
                      {kind} (Gateway API): {n}
                    </Link>
                  ))}
              </div>
            </section>
          );
        })}
      </div>
    </div>
  );
}

type NsRow = OverviewResponse['namespaces'][number];

const DATA_PLANE: Record<NamespaceSummary['dataPlane']['mode'], { glyph: string; label: string; tone: string }> = {
  sidecar: { glyph: '⬢', label: 'Sidecar', tone: 'ok' },
  ambient: { glyph: '◎', label: 'Ambient', tone: 'ok' },
  none: { glyph: '○', label: 'Outside the mesh', tone: 'none' },
};

function DataPlaneTile({ ns, href }: { ns: NsRow; href: string }) {
  const d = DATA_PLANE[ns.dataPlane.mode];
  const pods = ns.dataPlane.mode === 'ambient' ? `${ns.podsByMode.ambient}/${ns.pods} pods in ambient` : `${ns.podsWithSidecar}/${ns.pods} pods with sidecar`;
  return (
    <Link href={href} className={`tile ${d.tone}`} title={ns.dataPlane.reason} data-testid={`ns-dataplane-${ns.name}`}>
      <span className="tile-label">Data plane</span>
      <span className="tile-value">
        <span aria-hidden="true" className="glyph">
          {d.glyph}
        </span>{' '}
        {d.label}
      </span>
      <span className="tile-detail">{pods}</span>
    </Link>
  );
}

/** The lock is an inline SVG: Debian's Chromium has no emoji font (a 🔒 drew as a box). Same drawing as the graph's LockIcon. */
function LockIcon() {
  return (
    <svg width={12} height={12} viewBox="0 0 16 16" aria-hidden>
      <rect x="3" y="7" width="10" height="8" rx="1.5" fill="currentColor" />
      <path d="M5 7V4.5a3 3 0 0 1 6 0V7" fill="none" stroke="currentColor" strokeWidth="1.8" />
    </svg>
  );
}

const MTLS: Record<string, { glyph: React.ReactNode; tone: string; text: string }> = {
  STRICT: { glyph: <LockIcon />, tone: 'ok', text: 'mTLS only' },
  PERMISSIVE: { glyph: '◐', tone: 'warn', text: 'mTLS and plain text' },
  DISABLE: { glyph: '✕', tone: 'err', text: 'plain text' },
};

function MtlsTile({ ns, href }: { ns: NsRow; href: string }) {
  if (!ns.mtls) return null;
  const m = MTLS[ns.mtls.mode] ?? MTLS.PERMISSIVE!;
  const from = ns.mtls.resource ? `from ${ns.mtls.resource}` : 'Istio default, no PeerAuthentication';
  return (
    <Link href={href} className={`tile ${m.tone}`} title={ns.mtls.reason} data-testid={`ns-mtls-${ns.name}`}>
      <span className="tile-label">mTLS</span>
      <span className="tile-value">
        <span aria-hidden="true" className="glyph">
          {m.glyph}
        </span>{' '}
        {ns.mtls.mode} <span className="tile-detail">({m.text})</span>
      </span>
      <span className="tile-detail">
        {from}
        {ns.mtls.workloadPolicies ? ` · ${ns.mtls.workloadPolicies} workload polic${ns.mtls.workloadPolicies === 1 ? 'y' : 'ies'}` : ''}
      </span>
    </Link>
  );
}

function FindingsTile({ name, counts, loaded, href }: { name: string; counts?: LevelCounts; loaded: boolean; href: string }) {
  const c = counts ?? { Error: 0, Warning: 0, Info: 0 };
  const tone = c.Error ? 'err' : c.Warning ? 'warn' : 'ok';
  return (
    <Link href={href} className={`tile ${loaded ? tone : 'none'}`} data-testid={`ns-findings-${name}`}>
      <span className="tile-label">Findings</span>
      {!loaded ? (
        <span className="tile-value muted">analysing…</span>
      ) : c.Error + c.Warning + c.Info === 0 ? (
        <span className="tile-value">
          <span aria-hidden="true" className="glyph">
            ✓
          </span>{' '}
          none
        </span>
      ) : (
        <span className="tile-value">
          {c.Error} <span aria-hidden="true">✖</span> error{c.Error === 1 ? '' : 's'} · {c.Warning} <span aria-hidden="true">▲</span> warning
          {c.Warning === 1 ? '' : 's'} · {c.Info} <span aria-hidden="true">ℹ</span> info
        </span>
      )}
    </Link>
  );
}

const rate = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

function TrafficTile({ name, t, href }: { name: string; t?: OverviewTrafficResponse; href: string }) {
  if (!t || t.prometheus.status !== 'ok') {
    return (
      <Link href={href} className="tile none" data-testid={`ns-traffic-${name}`}>
        <span className="tile-label">Traffic</span>
        <span className="tile-value muted">{!t ? 'loading…' : t.prometheus.status === 'off' ? 'no Prometheus' : 'Prometheus unavailable'}</span>
      </Link>
    );
  }
  const n = t.namespaces[name];
  if (!n) {
    return (
      <Link href={href} className="tile none" data-testid={`ns-traffic-${name}`}>
        <span className="tile-label">Traffic ({t.window})</span>
        <span className="tile-value">no requests</span>
      </Link>
    );
  }
  const share = n.errorShare ?? 0;
  const tone = share >= 0.05 ? 'err' : share > 0 ? 'warn' : 'ok';
  return (
    <Link href={href} className={`tile ${tone}`} data-testid={`ns-traffic-${name}`}>
      <span className="tile-label">Traffic ({t.window})</span>
      <span className="tile-value">{rate(n.rps)} req/s</span>
      <span className="tile-detail">
        {(share * 100).toFixed(share && share < 0.01 ? 2 : 1)}% errors
        <span className="share-bar" aria-hidden="true">
          <span style={{ width: `${Math.min(100, Math.max(share > 0 ? 2 : 0, share * 100))}%` }} />
        </span>
      </span>
    </Link>
  );
}

function TrafficStatus({ t, failed }: { t?: OverviewTrafficResponse; failed: boolean }) {
  if (failed) return <span>Traffic could not be read.</span>;
  if (!t) return null;
  if (t.prometheus.status === 'ok') return <span>Traffic from Prometheus, rate over {t.window}.</span>;
  if (t.prometheus.status === 'off') return <span>No Prometheus configured (PROMETHEUS_URL): no traffic figures.</span>;
  return <span title={t.prometheus.message}>Prometheus unavailable: no traffic figures.</span>;
}
