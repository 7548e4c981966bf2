import { ProposalsList } from '@/components/proposals/ProposalsList';

export default function ProposalsPage() {
  return <ProposalsList />;
}
