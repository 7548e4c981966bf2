import { ExposePage } from '@/components/forms/ExposeForm';

export default function Page() {
  return <ExposePage />;
}
