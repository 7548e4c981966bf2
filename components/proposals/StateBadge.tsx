import type { ProposalState } from '@/lib/istio/review/proposal';

const CLASS: Record<ProposalState, string> = { open: 'info', approved: 'ok', 'changes-requested': 'warn', applied: 'ok', closed: '' };

export function StateBadge({ state }: { state: ProposalState }) {
  return (
    <span className={`badge ${CLASS[state]}`} data-testid="proposal-state">
      {state}
    </span>
  );
}
