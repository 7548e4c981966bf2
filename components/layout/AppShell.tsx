'use client';
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useQuery } from '@tanstack/react-query';
import { useLiveEvents } from '@/lib/client/live';
import { contextsQuery, overviewQuery } from '@/lib/client/queries';
import { useLinkParams, useSelectedContext, useSelectedNamespace } from '@/lib/client/selection';
import { ConnectionBanner } from './ConnectionBanner';
import { IdentityBanners, WhoAmI } from '../auth/WhoAmI';
import { ThemeToggle } from './ThemeToggle';
import { GlobalSearch } from '@/components/search/GlobalSearch';

const NAV = [
  { href: '/', label: 'Overview' },
  { href: '/graph', label: 'Graph' },
  { href: '/config', label: 'Istio Config' },
  { href: '/validations', label: 'Validations' },
  { href: '/forms', label: 'Mesh tasks' },
  { href: '/proposals', label: 'Proposals' },
];

/**
 * A link of the shell (brand and sidebar), on every page: it prefetches its page when the
 * pointer or the keyboard focus reaches it, not when it is on screen. Prefetching a page
 * fetches its JavaScript, and the shell's links, always on screen, would otherwise make
 * every page load every other page's code as it opens.
 */
function ShellLink({ href, ...props }: React.ComponentProps<typeof Link> & { href: string }) {
  const router = useRouter();
  const prefetch = () => router.prefetch(href);
  return <Link href={href} prefetch={false} onMouseEnter={prefetch} onFocus={prefetch} onTouchStart={prefetch} {...props} />;
}

export function AppShell({ children }: { children: React.ReactNode }) {
  const pathname = usePathname();
  const link = useLinkParams();
  const { context, setContext } = useSelectedContext();
  const { namespace, setNamespace } = useSelectedNamespace();
  const contexts = useQuery(contextsQuery());
  const overview = useQuery({ ...overviewQuery(context ?? ''), enabled: !!context });
  useLiveEvents(pathname === '/signin' ? undefined : context);

  // The sign-in page stands alone: nothing else is served without a session.
  if (pathname === '/signin') return <main className="main signin-page">{children}</main>;

  return (
    <div className="shell">
      <header className="topbar">
        <ShellLink href={link('/')} className="brand">
          Meshboard
        </ShellLink>
        <label>
          Context
          <select aria-label="Context" value={context ?? ''} onChange={(e) => setContext(e.target.value)} data-testid="context-picker">
            {!contexts.data && <option value="">{contexts.isError ? 'unavailable' : 'loading…'}</option>}
            {contexts.data?.contexts.map((c) => (
              <option key={c.name} value={c.name}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Namespace
          <select aria-label="Namespace" value={namespace ?? ''} onChange={(e) => setNamespace(e.target.value || undefined)} data-testid="namespace-picker">
            <option value="">All namespaces</option>
            {overview.data?.namespaces.map((n) => (
              <option key={n.name} value={n.name}>
                {n.name}
              </option>
            ))}
          </select>
        </label>
        <GlobalSearch />
        <div className="spacer" />
        <WhoAmI context={context} />
        <ThemeToggle />
      </header>
      <nav className="sidebar" aria-label="Main">
        {NAV.map((n) => {
          const active = n.href === '/' ? pathname === '/' : pathname.startsWith(n.href);
          return (
            <ShellLink key={n.href} href={link(n.href)} className={active ? 'active' : ''} aria-current={active ? 'page' : undefined}>
              {n.label}
            </ShellLink>
          );
        })}
      </nav>
      <main className="main">
        {contexts.isError && (
          <div className="banner error" role="alert">
            <div className="title">No cluster configuration</div>
            {(contexts.error as Error).message}
          </div>
        )}
        <IdentityBanners context={context} />
        <ConnectionBanner />
        {children}
      </main>
    </div>
  );
}
