import { ServiceEntryPage } from '@/components/forms/ServiceEntryForm';

export default function Page() {
  return <ServiceEntryPage />;
}
