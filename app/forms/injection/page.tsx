import { InjectionPage } from '@/components/forms/pages';

export default function Page() {
  return <InjectionPage />;
}
