import { CallersPage } from '@/components/forms/pages';

export default function Page() {
  return <CallersPage />;
}
