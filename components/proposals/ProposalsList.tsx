'use client';
/** The context's change proposals: open ones first, each a link a teammate can open. */
import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { proposalsQuery } from '@/lib/client/proposals';
import { useLinkParams, useSelectedContext } from '@/lib/client/selection';
import { ErrorBox } from '@/components/ui/ErrorBox';
import { StateBadge } from './StateBadge';

export function ProposalsList() {
  const { context } = useSelectedContext();
  const link = useLinkParams();
  const q = useQuery({ ...proposalsQuery(context ?? ''), enabled: !!context });
  if (q.isError) return <ErrorBox error={q.error} title="Cannot list proposals" />;
  if (!q.data) return <div className="empty">Loading proposals…</div>;
  const items = [...q.data.items].sort((a, b) => Number(b.state !== 'applied' && b.state !== 'closed') - Number(a.state !== 'applied' && a.state !== 'closed'));
  return (
    <div>
      <div className="spread">
        <h2>Change proposals</h2>
        <span className="muted">You are {q.data.me}. Propose a change from the editor or a mesh task (“Propose…” next to Apply).</span>
      </div>
      {!items.length ? (
        <div className="empty" data-testid="proposals-empty">
          No proposals in this context yet.
        </div>
      ) : (
        <table className="list" data-testid="proposals-table">
          <thead>
            <tr>
              <th>Title</th>
              <th>State</th>
              <th>Author</th>
              <th>Changes</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {items.map((p) => (
              <tr key={p.name} data-testid={`proposal-row-${p.name}`}>
                <td>
                  <Link href={link(`/proposals/${p.name}`)}>{p.title}</Link>
                </td>
                <td>
                  <StateBadge state={p.state} />
                </td>
                <td>
                  {p.author}
                  {p.mine ? ' (you)' : ''}
                </td>
                <td title={p.resources.join('\n')}>{p.changes}</td>
                <td className="muted">{p.updatedAt ? new Date(p.updatedAt).toLocaleString() : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
