import { TrafficPage } from '@/components/forms/TrafficForm';

export default function Page() {
  return <TrafficPage />;
}
