import { MtlsPage } from '@/components/forms/pages';

export default function Page() {
  return <MtlsPage />;
}
