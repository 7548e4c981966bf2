import { ServiceEntryPage } from '@/components/forms/pages';

export default function Page() {
  return <ServiceEntryPage />;
}
