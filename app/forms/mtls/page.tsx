import { MtlsPage } from '@/components/forms/MtlsForm';

export default function Page() {
  return <MtlsPage />;
}
