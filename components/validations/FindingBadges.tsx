'use client';
import type { FindingCounts } from '@/lib/istio/findings';

/** ✖ errors ▲ warnings ℹ infos, as small badges; nothing when clean. */
export function FindingBadges({ counts, testId }: { counts?: FindingCounts; testId?: string }) {
  if (!counts || counts.Error + counts.Warning + counts.Info === 0)
    return (
      <span className="badge ok" data-testid={testId} title="No findings">
        ✓
      </span>
    );
  return (
    <span className="row" style={{ gap: 4 }} data-testid={testId}>
      {counts.Error > 0 && (
        <span className="badge err" title={`${counts.Error} error(s)`}>
          ✖ {counts.Error}
        </span>
      )}
      {counts.Warning > 0 && (
        <span className="badge warn" title={`${counts.Warning} warning(s)`}>
          ▲ {counts.Warning}
        </span>
      )}
      {counts.Info > 0 && (
        <span className="badge info" title={`${counts.Info} info`}>
          ℹ {counts.Info}
        </span>
      )}
    </span>
  );
}
