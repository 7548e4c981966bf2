'use client';
import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { overviewQuery } from '@/lib/client/queries';
import { useLinkParams, useSelectedContext, useSelectedNamespace } from '@/lib/client/selection';
import type { NamespaceSummary } from '@/lib/istio/overview';
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
      return <span className="badge ok" title="istio-injection=enabled">injection enabled</span>;
    case 'revision':
      return <span className="badge ok" title={`istio.io/rev=${ns.revision}`}>revision {ns.revision}</span>;
    case 'disabled':
      return <span className="badge warn" title="istio-injection=disabled">injection disabled</span>;
    default:
      return <span className="badge">no injection label</span>;
  }
}

export function OverviewView() {
  const { context } = useSelectedContext();
  const { namespace } = useSelectedNamespace();
  const link = useLinkParams();
  const q = useQuery({ ...overviewQuery(context ?? ''), enabled: !!context });
  if (q.isError && !q.data) return <ErrorBox error={q.error} />;
  if (!q.data) return <div className="empty">Loading the cluster…</div>;
  const namespaces = q.data.namespaces.filter((n) => !namespace || n.name === namespace);
  return (
    <div>
      <div className="spread">
        <h1>Overview</h1>
        <span className="muted">
          {q.data.namespaces.length} namespaces · {q.data.kinds.length} Istio kinds served
        </span>
      </div>
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
                    <Link key={`gw-${kind}`} href={link('/config', { ns: ns.name, kind: `${kind}.gateway.networking.k8s.io` })} className="badge info" title="Gateway API">
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
