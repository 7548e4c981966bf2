import { FormsIndex } from '@/components/forms/FormsIndex';

export default function FormsPage() {
  return <FormsIndex />;
}
