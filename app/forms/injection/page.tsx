import { InjectionPage } from '@/components/forms/InjectionForm';

export default function Page() {
  return <InjectionPage />;
}
