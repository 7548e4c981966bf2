import { ValidationsView } from '@/components/validations/ValidationsView';

export default function ValidationsPage() {
  return <ValidationsView />;
}
