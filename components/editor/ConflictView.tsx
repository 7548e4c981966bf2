'use client';
import type { MergeConflict } from '@/lib/istio/editor/merge';

/**
 * Someone changed the resource after the edit started. Three panes: the version the
 * edit started from, the one on the server now, and the user's; then carry the
 * user's change onto the current version and review again. Nothing was written.
 */
export function ConflictView(props: {
  baseText: string;
  currentText: string;
  mineText: string;
  currentVersion?: string;
  conflicts: MergeConflict[];
  deleted: boolean;
  onCarry: () => void;
  onRecreate: () => void;
  onTakeCurrent: () => void;
}) {
  const pane = (title: string, text: string, id: string) => (
    <div style={{ flex: 1, minWidth: 0 }}>
      <div className="muted" style={{ fontWeight: 600, marginBottom: 4 }}>
        {title}
      </div>
      <pre className="yaml" data-testid={id} style={{ maxHeight: '50vh' }}>
        {text}
      </pre>
    </div>
  );
  return (
    <div data-testid="conflict-view">
      <div className="banner warn" role="alert">
        <div className="title">
          {props.deleted ? 'The resource was deleted while you were editing.' : 'Someone changed this resource while you were editing.'}
        </div>
        Your change was not applied, and nothing was overwritten.{' '}
        {props.deleted
          ? 'You can create it again with your content.'
          : `Carry your change onto the current version (resourceVersion ${props.currentVersion}), review it, and apply again.`}
      </div>
      <div className="row" style={{ alignItems: 'stretch', flexWrap: 'nowrap' }}>
        {pane('The version your edit started from', props.baseText, 'conflict-base')}
        {pane(props.deleted ? 'On the server now (deleted)' : 'On the server now', props.currentText, 'conflict-current')}
        {pane('Your version', props.mineText, 'conflict-mine')}
      </div>
      {props.conflicts.length > 0 && (
        <div className="banner info" data-testid="conflict-fields">
          Both you and the other change touched:{' '}
          {props.conflicts.map((c) => (
            <code key={c.path}>{c.path} </code>
          ))}
          . Carrying over keeps your values there.
        </div>
      )}
      <div className="row" style={{ marginTop: 8 }}>
        {props.deleted ? (
          <button className="primary" onClick={props.onRecreate}>
            Create it again with my content
          </button>
        ) : (
          <button className="primary" onClick={props.onCarry}>
            Carry my change onto the current version
          </button>
        )}
        {!props.deleted && <button onClick={props.onTakeCurrent}>Discard my change, load the current version</button>}
      </div>
    </div>
  );
}
