'use client';
import { useQuery } from '@tanstack/react-query';
import { overviewQuery, sessionQuery, signOut } from '@/lib/client/queries';

/** Top bar: who Meshboard acts as, in which context, and sign-out (token mode). */
export function WhoAmI({ context }: { context: string | undefined }) {
  const session = useQuery({ ...sessionQuery(context ?? ''), enabled: !!context });
  if (!session.data) return null;
  const s = session.data;
  return (
    <div className="whoami" data-testid="whoami" title={s.groups.length ? `groups: ${s.groups.join(', ')}` : undefined}>
      <span>
        Signed in as <strong data-testid="whoami-user">{s.username || 'unknown'}</strong> · {s.context ?? context}
        {s.mode !== 'local' && ` (${s.mode} sign-in)`}
      </span>
      {s.mode === 'token' && (
        <button type="button" onClick={() => signOut().finally(() => window.location.assign('/signin'))}>
          Sign out
        </button>
      )}
    </div>
  );
}

/** Banners under the top bar: a view-only deployment, and a person whose RBAC lets them read nothing. */
export function IdentityBanners({ context }: { context: string | undefined }) {
  const session = useQuery({ ...sessionQuery(context ?? ''), enabled: !!context });
  const overview = useQuery({ ...overviewQuery(context ?? ''), enabled: !!context && !!session.data && session.data.mode !== 'local' });
  const s = session.data;
  return (
    <>
      {s?.readOnly && (
        <div className="banner info" role="status" data-testid="read-only-banner">
          View-only: this Meshboard deployment has writing switched off (MESHBOARD_READ_ONLY), so nothing can be changed from it.
        </div>
      )}
      {s && s.mode !== 'local' && overview.data && overview.data.namespaces.length === 0 && (
        <div className="banner warn" role="status" data-testid="no-access-banner">
          <div className="title">Nothing to show for {s.username}</div>
          Your Kubernetes RBAC does not let you read any namespace&apos;s mesh configuration. Meshboard shows exactly what the API server would show you: ask
          your cluster admin for a RoleBinding (for example to the view ClusterRole) in the namespaces you work on.
        </div>
      )}
    </>
  );
}
