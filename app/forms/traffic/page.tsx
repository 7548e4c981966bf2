import { TrafficPage } from '@/components/forms/pages';

export default function Page() {
  return <TrafficPage />;
}
