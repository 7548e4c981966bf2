'use client';
import { useLiveState } from '@/lib/client/live';

/** Says when the Kubernetes API server (or our own server) is unreachable; disappears when it is back. */
export function ConnectionBanner() {
  const { stream, cluster, resync } = useLiveState();
  if (resync && stream !== 'closed' && (!cluster || cluster.connected)) {
    return (
      <div className="banner info" role="status" data-testid="resync-banner">
        Live updates fell behind ({resync.reason}); reloaded this page&apos;s data from the server at {new Date(resync.at).toLocaleTimeString()}.
      </div>
    );
  }
  if (stream === 'closed' || (stream === 'connecting' && cluster)) {
    return (
      <div className="banner warn" role="status" data-testid="connection-banner">
        <span className="status-dot wait" />
        Lost the connection to the Meshboard server; reconnecting…
      </div>
    );
  }
  if (cluster && !cluster.connected) {
    return (
      <div className="banner error" role="alert" data-testid="connection-banner">
        <div className="title">
          <span className="status-dot bad" />
          Kubernetes API server unreachable (context {cluster.context})
        </div>
        <div>{cluster.message ?? 'Waiting for it to come back.'} Showing the last known state; this page updates by itself when the server returns.</div>
      </div>
    );
  }
  if (cluster && cluster.forbidden.length > 0) {
    return (
      <div className="banner info" role="status" data-testid="forbidden-banner">
        Context {cluster.context} may not list: {cluster.forbidden.join(', ')}. Those kinds are left out.
      </div>
    );
  }
  return null;
}
