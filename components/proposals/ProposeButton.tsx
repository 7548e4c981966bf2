'use client';
/**
 * "Propose" next to "Apply": instead of writing, add the change to a change proposal (a
 * new one, or one of mine that is still open) for teammates to review. Each write keeps
 * the resourceVersion it was based on; nothing in the cluster changes but the proposal.
 */
import Link from 'next/link';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { addChanges, createProposal, proposalKeys, proposalsQuery } from '@/lib/client/proposals';
import { useLinkParams } from '@/lib/client/selection';
import type { ChangeInput } from '@/lib/contracts/proposals';
import { ErrorBox } from '@/components/ui/ErrorBox';

const OPEN = new Set(['open', 'approved', 'changes-requested']);

export function ProposeButton({ context, getChanges, disabled }: { context: string; getChanges: () => ChangeInput[] | undefined; disabled?: boolean }) {
  const [open, setOpen] = useState(false);
  const [target, setTarget] = useState('');
  const [title, setTitle] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<{ name: string; title: string } | null>(null);
  const qc = useQueryClient();
  const link = useLinkParams();
  const list = useQuery({ ...proposalsQuery(context), enabled: open });
  const mine = (list.data?.items ?? []).filter((p) => p.mine && OPEN.has(p.state));

  const submit = async () => {
    const changes = getChanges();
    if (!changes?.length) return;
    setBusy(true);
    setError(null);
    try {
      const out = target ? await addChanges(context, target, changes) : await createProposal(context, { title: title.trim(), changes });
      setDone({ name: out.proposal.metadata.name, title: out.proposal.spec.title });
      setOpen(false);
      void qc.invalidateQueries({ queryKey: proposalKeys.all(context) });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <span data-testid="propose">
      <button
        type="button"
        onClick={() => setOpen((v) => !v)}
        disabled={disabled || busy}
        data-testid="propose-button"
        title="Add this change to a proposal for teammates to review, instead of applying it"
      >
        Propose…
      </button>
      {open && (
        <div className="banner info" data-testid="propose-panel" style={{ marginTop: 8 }}>
          <div className="row">
            <label>
              Add to{' '}
              <select value={target} onChange={(e) => setTarget(e.target.value)} data-testid="propose-target" aria-label="Proposal">
                <option value="">a new proposal</option>
                {mine.map((p) => (
                  <option key={p.name} value={p.name}>
                    {p.title} ({p.changes} change{p.changes === 1 ? '' : 's'}, {p.state})
                  </option>
                ))}
              </select>
            </label>
            {!target && (
              <input
                aria-label="Proposal title"
                placeholder="Title, e.g. user-service canary 90/10"
                value={title}
                onChange={(e) => setTitle(e.target.value)}
                data-testid="propose-title"
                style={{ minWidth: 280 }}
              />
            )}
            <button type="button" className="primary" onClick={submit} disabled={busy || (!target && !title.trim())} data-testid="propose-submit">
              {busy ? 'Saving…' : target ? 'Add to proposal' : 'Create proposal'}
            </button>
          </div>
        </div>
      )}
      {error !== null && <ErrorBox error={error} />}
      {done && (
        <div className="banner ok" data-testid="propose-done" style={{ marginTop: 8 }}>
          Added to proposal{' '}
          <Link href={link(`/proposals/${done.name}`)} data-testid="propose-link">
            {done.title}
          </Link>
          . Nothing was applied; share the link for review.
        </div>
      )}
    </span>
  );
}
