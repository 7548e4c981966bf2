'use client';
/**
 * The new-resource page loads its editor (the workbench, its YAML and schema code, then
 * Monaco) when it shows, not with the route: the Istio Config list links here, and its
 * prefetch then fetches only this frame.
 */
import dynamic from 'next/dynamic';

const NewResource = dynamic(() => import('./NewResource').then((m) => m.NewResource), { ssr: false, loading: () => <div className="empty">Loading…</div> });

export function NewResourcePage() {
  return <NewResource />;
}
