'use client';
/**
 * The review page of a change proposal: per resource the diff (Monaco, as the editor's)
 * with the findings of the new version; the changed part of the graph (added, removed,
 * weight, mTLS and authorization changes marked); the impact over the whole context
 * (findings introduced / resolved / left, decisions for known callers); a server-side
 * dry run of the whole set, refreshed as the cluster changes; stale changes with the
 * rebase view; reviews, comments, apply, and the GitOps exports.
 */
import dynamic from 'next/dynamic';
import Link from 'next/link';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import {
  applyProposal,
  commentOn,
  exportProposal,
  proposalKeys,
  proposalQuery,
  rebaseProposal,
  removeChange,
  reviewProposal,
  setProposalState,
} from '@/lib/client/proposals';
import { useLinkParams, useSelectedContext } from '@/lib/client/selection';
import type { ApplyResponse, ExportFormat, ExportResponse, ProposalResponse } from '@/lib/contracts/proposals';
import { editText } from '@/lib/istio/editor/display';
import type { Finding } from '@/lib/istio/findings';
import { changeId, mergeForRebase, type ProposalChange } from '@/lib/istio/review/proposal';
import { ConflictView } from '@/components/editor/ConflictView';
import { ErrorBox } from '@/components/ui/ErrorBox';
import { StateBadge } from './StateBadge';

const YamlDiff = dynamic(() => import('@/components/editor/MonacoYamlEditor').then((m) => m.YamlDiff), {
  ssr: false,
  loading: () => <div className="empty">Loading diff…</div>,
});

const LEVEL_CLASS = { Error: 'err', Warning: 'warn', Info: 'info' } as const;

function FindingList({ findings, testid, none }: { findings: readonly Finding[]; testid: string; none: string }) {
  if (!findings.length)
    return (
      <div className="muted" data-testid={testid}>
        {none}
      </div>
    );
  return (
    <ul data-testid={testid}>
      {findings.map((f, i) => (
        <li key={i}>
          <span className={`badge ${LEVEL_CLASS[f.level]}`}>{f.level}</span> <code>{f.code}</code> {f.resource}
          {f.path ? <span className="muted"> ({f.path})</span> : null}: {f.message}
        </li>
      ))}
    </ul>
  );
}

const VERB = { create: 'Create', update: 'Update', delete: 'Delete' } as const;

export function ProposalView({ name }: { name: string }) {
  const { context } = useSelectedContext();
  const link = useLinkParams();
  const qc = useQueryClient();
  const q = useQuery({ ...proposalQuery(context ?? '', name), enabled: !!context });
  const [busy, setBusy] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [text, setText] = useState('');
  const [applied, setApplied] = useState<ApplyResponse | null>(null);
  const [rebaseNote, setRebaseNote] = useState('');
  const [exported, setExported] = useState<ExportResponse | null>(null);

  const act = async (label: string, fn: () => Promise<unknown>) => {
    if (!context) return;
    setBusy(label);
    setError(null);
    try {
      await fn();
      await qc.invalidateQueries({ queryKey: proposalKeys.all(context) });
    } catch (e) {
      setError(e);
    } finally {
      setBusy('');
    }
  };

  if (q.isError) return <ErrorBox error={q.error} title={`Cannot read proposal ${name}`} />;
  if (!q.data || !context) return <div className="empty">Loading the proposal and its review…</div>;
  const d: ProposalResponse = q.data;
  const spec = d.proposal.spec;
  const open = spec.state === 'open' || spec.state === 'approved' || spec.state === 'changes-requested';
  const mine = spec.author.username === d.me;
  const dryFailed = d.dryRun.filter((r) => r.outcome === 'failed');
  const canApply = spec.state === 'approved' && d.canApply.allowed && !d.stale.length && !dryFailed.length;

  return (
    <div data-testid="proposal-view">
      <div className="spread">
        <h2 style={{ marginBottom: 4 }}>
          <Link href={link('/proposals')} className="muted">
            Proposals
          </Link>{' '}
          / <span data-testid="proposal-title">{spec.title}</span>
        </h2>
        <StateBadge state={spec.state} />
      </div>
      <div className="muted" style={{ marginBottom: 8 }}>
        {spec.author.username}
        {mine ? ' (you)' : ''} proposed {spec.changes.length} change{spec.changes.length === 1 ? '' : 's'}
        {d.proposal.metadata.creationTimestamp ? ` on ${new Date(d.proposal.metadata.creationTimestamp).toLocaleString()}` : ''}
        {spec.updatedAt ? `, updated ${new Date(spec.updatedAt).toLocaleString()}` : ''}. Namespaces: {d.review.namespaces.join(', ') || 'cluster scope'}.
      </div>
      {spec.description && <p>{spec.description}</p>}
      {error !== null && <ErrorBox error={error} />}
      {rebaseNote && (
        <div className="banner info" data-testid="rebase-note">
          {rebaseNote}
        </div>
      )}

      {d.stale.length > 0 && (
        <section data-testid="stale-panel">
          <div className="banner warn" role="alert" data-testid="stale-banner">
            <div className="title">The cluster changed since this proposal was made</div>
            {d.stale.map((s) => (
              <div key={s.id}>
                {s.resource}: {s.reason}
              </div>
            ))}
            Applying now would be refused for these resources; nothing would be overwritten.{' '}
            {mine ? 'Rebase to carry the proposed change onto what is live now.' : 'The author can rebase it.'}
          </div>
          {d.stale.map((s) => {
            const c = spec.changes.find((x) => changeId(x) === s.id);
            if (!c || !s.current || !c.base || !c.object) return null;
            const conflicts = mergeForRebase(c.base, s.current, c.object).conflicts;
            return (
              <div key={s.id} className="card" style={{ marginBottom: 12 }}>
                <h3>{s.resource}</h3>
                <ConflictView
                  baseText={editText(c.base)}
                  currentText={editText(s.current)}
                  mineText={editText(c.object)}
                  currentVersion={s.current.metadata.resourceVersion}
                  conflicts={conflicts}
                  deleted={false}
                  onCarry={() =>
                    act('rebase', async () => {
                      const r = await rebaseProposal(context, name, [s.id]);
                      setRebaseNote(
                        r.conflicts.length
                          ? `Rebased; both sides changed ${r.conflicts.map((x) => x.path).join(', ')} — the proposed values were kept. Review again.`
                          : 'Rebased onto the current version. Reviews start again.',
                      );
                    })
                  }
                  onRecreate={() => undefined}
                  onTakeCurrent={() => act('remove', () => removeChange(context, name, s.id))}
                />
              </div>
            );
          })}
        </section>
      )}

      <section className="card" style={{ marginBottom: 12 }} data-testid="impact">
        <h3>Impact</h3>
        <div className="stats">
          <span>
            findings introduced <b data-testid="impact-introduced">{d.review.findings.introduced.length}</b>
          </span>
          <span>
            resolved <b data-testid="impact-resolved">{d.review.findings.resolved.length}</b>
          </span>
          <span>
            left <b data-testid="impact-left">{d.review.findings.left.length}</b>
          </span>
        </div>
        <div style={{ fontWeight: 600, marginTop: 6 }}>Introduced</div>
        <FindingList findings={d.review.findings.introduced} testid="findings-introduced" none="No new findings." />
        <div style={{ fontWeight: 600, marginTop: 6 }}>Resolved</div>
        <FindingList findings={d.review.findings.resolved} testid="findings-resolved" none="None resolved." />
        <div style={{ fontWeight: 600, marginTop: 6 }}>Routes</div>
        {d.review.routes.length ? (
          <ul data-testid="route-changes">
            {d.review.routes.map((l) => (
              <li key={l}>{l}</li>
            ))}
          </ul>
        ) : (
          <div className="muted" data-testid="route-changes">
            No route changes.
          </div>
        )}
        <div style={{ fontWeight: 600, marginTop: 6 }}>mTLS and authorization for known callers</div>
        {d.review.decisions.length ? (
          <ul data-testid="decision-changes">
            {d.review.decisions.map((l) => (
              <li key={l}>{l}</li>
            ))}
          </ul>
        ) : (
          <div className="muted" data-testid="decision-changes">
            No decision changes.
          </div>
        )}
      </section>

      <section className="card" style={{ marginBottom: 12 }}>
        <h3>Graph: what changes</h3>
        {d.review.svg ? (
          // Our own SVG (lib/istio/review/svg.ts): every text is escaped, no scripts.
          <div data-testid="graph-diff" style={{ overflowX: 'auto' }} dangerouslySetInnerHTML={{ __html: d.review.svg }} />
        ) : (
          <div className="muted" data-testid="graph-diff">
            No node or edge of the graph changes.
          </div>
        )}
        <div className="muted" style={{ fontSize: 12 }}>
          Green: added; red dashed: removed; amber: weight, mTLS or authorization changed.
        </div>
        <ul data-testid="graph-changes">
          {d.review.graph.edges.map((e) => (
            <li key={`${e.status}:${e.id}`} data-status={e.status}>
              {e.label}: {e.status === 'changed' ? e.changes.map((c) => `${c.field} ${c.before} → ${c.after}`).join('; ') : e.status}
            </li>
          ))}
        </ul>
      </section>

      <section style={{ marginBottom: 12 }} data-testid="resource-diffs">
        <h3>Resources</h3>
        {d.review.resources.map((r) => {
          const c: ProposalChange | undefined = spec.changes.find((x) => changeId(x) === r.id);
          return (
            <div key={r.id} className="card" style={{ marginBottom: 10 }} data-testid={`resource-diff-${r.resource}`}>
              <div className="spread">
                <h3>
                  {VERB[r.action]} {r.resource}
                </h3>
                {c?.baseResourceVersion && <span className="muted">based on resourceVersion {c.baseResourceVersion}</span>}
              </div>
              <YamlDiff original={r.before ?? ''} modified={r.after ?? ''} height={260} />
              <FindingList findings={r.findings} testid="resource-findings" none={r.action === 'delete' ? 'Deleted.' : 'No findings on the new version.'} />
            </div>
          );
        })}
        {!d.review.resources.length && <div className="muted">The proposal changes nothing (yet).</div>}
      </section>

      {open && (
        <section className="card" style={{ marginBottom: 12 }} data-testid="dry-run">
          <h3>Dry run against the cluster now</h3>
          <ul>
            {d.dryRun.map((r, i) => (
              <li key={i} data-outcome={r.outcome}>
                <span className={`badge ${r.outcome === 'applied' ? 'ok' : 'err'}`}>{r.outcome === 'applied' ? 'accepted' : `failed ${r.status ?? ''}`}</span>{' '}
                {r.action} {r.resource}
                {r.message ? `: ${r.message}` : ''}
              </li>
            ))}
          </ul>
        </section>
      )}

      <section className="card" style={{ marginBottom: 12 }} data-testid="reviews">
        <h3>Reviews and comments</h3>
        {[
          ...spec.reviews.map((r) => ({ at: r.at, who: r.author, what: r.verdict === 'approve' ? 'approved' : 'requested changes', text: r.text })),
          ...spec.comments.map((c) => ({ at: c.at, who: c.author, what: 'commented', text: c.text })),
        ]
          .sort((a, b) => a.at.localeCompare(b.at))
          .map((x, i) => (
            <div key={i} data-testid="review-entry">
              <b>{x.who}</b> {x.what} <span className="muted">{new Date(x.at).toLocaleString()}</span>
              {x.text ? <div style={{ whiteSpace: 'pre-wrap' }}>{x.text}</div> : null}
            </div>
          ))}
        {open && (
          <>
            <textarea
              aria-label="Comment"
              value={text}
              onChange={(e) => setText(e.target.value)}
              rows={3}
              style={{ width: '100%', marginTop: 8 }}
              data-testid="comment-text"
            />
            <div className="row">
              <button
                className="primary"
                disabled={!!busy}
                onClick={() =>
                  act('approve', async () => {
                    await reviewProposal(context, name, 'approve', text.trim() || undefined);
                    setText('');
                  })
                }
                data-testid="approve-button"
              >
                Approve
              </button>
              <button
                disabled={!!busy}
                onClick={() =>
                  act('request', async () => {
                    await reviewProposal(context, name, 'request-changes', text.trim() || undefined);
                    setText('');
                  })
                }
                data-testid="request-changes-button"
              >
                Request changes
              </button>
              <button
                disabled={!!busy || !text.trim()}
                onClick={() =>
                  act('comment', async () => {
                    await commentOn(context, name, text.trim());
                    setText('');
                  })
                }
                data-testid="comment-button"
              >
                Comment
              </button>
              {mine && (
                <button disabled={!!busy} onClick={() => act('close', () => setProposalState(context, name, 'closed'))} data-testid="close-button">
                  Close proposal
                </button>
              )}
            </div>
          </>
        )}
        {mine && spec.state === 'closed' && <button onClick={() => act('reopen', () => setProposalState(context, name, 'open'))}>Reopen</button>}
      </section>

      {open && (
        <section className="card" style={{ marginBottom: 12 }}>
          <h3>Apply</h3>
          <div className="muted">
            Writes go in order, each with the resourceVersion it was based on; a moved base is refused, never overwritten.
            {spec.state !== 'approved' ? ' Needs an approval first.' : ''}
            {!d.canApply.allowed && d.canApply.denied.length ? ` Your permissions do not allow: ${d.canApply.denied.join(', ')}.` : ''}
          </div>
          <button
            className="primary"
            disabled={!canApply || !!busy}
            onClick={() => act('apply', async () => setApplied(await applyProposal(context, name)))}
            data-testid="apply-proposal"
          >
            {busy === 'apply' ? 'Applying…' : `Apply ${spec.changes.length} change${spec.changes.length === 1 ? '' : 's'}`}
          </button>
        </section>
      )}
      {(applied?.results ?? spec.lastApply?.results) && (
        <section className="card" style={{ marginBottom: 12 }} data-testid="apply-results">
          <h3>
            {(applied?.ok ?? spec.lastApply?.ok) ? 'Applied' : 'Last apply failed'}
            {spec.lastApply ? ` (by ${spec.lastApply.by})` : ''}
          </h3>
          <ul>
            {(applied?.results ?? spec.lastApply?.results ?? []).map((r, i) => (
              <li key={i} data-outcome={r.outcome}>
                <span className={`badge ${r.outcome === 'applied' ? 'ok' : r.outcome === 'failed' ? 'err' : ''}`}>{r.outcome}</span> {r.action} {r.resource}
                {r.resourceVersion ? ` (resourceVersion ${r.resourceVersion})` : ''}
                {r.message ? `: ${r.message}` : ''}
              </li>
            ))}
          </ul>
        </section>
      )}

      <ExportPanel onExport={(f) => act('export', async () => setExported(await exportProposal(context, name, f)))} exported={exported} />
    </div>
  );
}

function ExportPanel({ onExport, exported }: { onExport: (f: ExportFormat) => void; exported: ExportResponse | null }) {
  const text = useMemo(() => {
    if (!exported) return '';
    if (exported.diff !== undefined) return exported.diff;
    return (exported.files ?? []).map((f) => `# ${f.path}${f.action === 'delete' ? ' (delete this file)' : ''}\n${f.text}`).join('\n---\n');
  }, [exported]);
  const download = useMemo(() => (text ? `data:text/plain;charset=utf-8,${encodeURIComponent(text)}` : ''), [text]);
  return (
    <section className="card" data-testid="export">
      <h3>Export for Git</h3>
      <div className="row">
        <button onClick={() => onExport('files')} data-testid="export-files">
          YAML files
        </button>
        <button onClick={() => onExport('diff')} data-testid="export-diff">
          Unified diff
        </button>
        <button onClick={() => onExport('kustomize')} data-testid="export-kustomize">
          Kustomize overlay
        </button>
        {download && (
          <a href={download} download={exported?.format === 'diff' ? 'proposal.diff' : 'proposal.yaml'}>
            Download
          </a>
        )}
      </div>
      {text && (
        <pre className="yaml" data-testid="export-text" style={{ maxHeight: '40vh' }}>
          {text}
        </pre>
      )}
    </section>
  );
}
