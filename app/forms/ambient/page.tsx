import { AmbientPage } from '@/components/forms/AmbientForm';

export default function Page() {
  return <AmbientPage />;
}
