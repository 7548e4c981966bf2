import { groupOfSegment } from '@/lib/istio/address';
import { ResourceView } from '@/components/resources/ResourceView';

export default async function ResourcePage({
  params,
}: {
  params: Promise<{ group: string; version: string; plural: string; namespace: string; name: string }>;
}) {
  const p = await params;
  const d = (s: string) => decodeURIComponent(s);
  return <ResourceView group={groupOfSegment(d(p.group))} version={d(p.version)} plural={d(p.plural)} namespace={d(p.namespace)} name={d(p.name)} />;
}
