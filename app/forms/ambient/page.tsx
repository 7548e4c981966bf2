import { AmbientPage } from '@/components/forms/pages';

export default function Page() {
  return <AmbientPage />;
}
