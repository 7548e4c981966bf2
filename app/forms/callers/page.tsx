import { CallersPage } from '@/components/forms/CallersForm';

export default function Page() {
  return <CallersPage />;
}
