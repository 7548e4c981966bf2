import { ExposePage } from '@/components/forms/pages';

export default function Page() {
  return <ExposePage />;
}
