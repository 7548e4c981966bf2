import { NewResourcePage } from '@/components/resources/pages';

export default function NewResourceRoute() {
  return <NewResourcePage />;
}
