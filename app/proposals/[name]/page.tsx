import { ProposalView } from '@/components/proposals/ProposalView';

export default async function ProposalPage({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  return <ProposalView name={name} />;
}
