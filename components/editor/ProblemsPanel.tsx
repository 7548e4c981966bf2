'use client';
import type { EditorProblem } from '@/lib/istio/editor/validate';

const ICON: Record<EditorProblem['severity'], string> = { error: '✖', warning: '▲', info: 'ℹ' };
const CLS: Record<EditorProblem['severity'], string> = { error: 'err', warning: 'warn', info: 'info' };

/** Every problem with its line:column; clicking one moves the cursor there. */
export function ProblemsPanel({
  problems,
  onReveal,
  actions,
}: {
  problems: EditorProblem[];
  onReveal: (line: number, col: number) => void;
  actions?: Partial<Record<NonNullable<EditorProblem['action']>, { label: string; run: () => void }>>;
}) {
  if (!problems.length)
    return (
      <div className="muted" data-testid="problems-empty">
        No problems found.
      </div>
    );
  return (
    <ul data-testid="problems" style={{ listStyle: 'none', padding: 0, margin: 0, maxHeight: 220, overflow: 'auto' }}>
      {problems.map((p, i) => {
        const act = p.action ? actions?.[p.action] : undefined;
        return (
          <li
            key={i}
            className="row"
            style={{ padding: '3px 0', alignItems: 'baseline', flexWrap: 'nowrap' }}
            data-testid="problem"
            data-severity={p.severity}
            data-code={p.code}
          >
            <span className={`badge ${CLS[p.severity]}`}>
              {ICON[p.severity]} {p.code}
            </span>
            <button
              onClick={() => onReveal(p.startLine, p.startColumn)}
              style={{ border: 'none', padding: 0, background: 'none', color: 'var(--accent)', whiteSpace: 'nowrap' }}
              title="Go to"
            >
              {p.startLine}:{p.startColumn}
            </button>
            <span>{p.message}</span>
            {act && (
              <button className="primary" onClick={act.run} style={{ marginLeft: 'auto', whiteSpace: 'nowrap' }}>
                {act.label}
              </button>
            )}
          </li>
        );
      })}
    </ul>
  );
}
