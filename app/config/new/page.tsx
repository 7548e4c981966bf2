import { NewResource } from '@/components/resources/NewResource';

export default function NewResourcePage() {
  return <NewResource />;
}
