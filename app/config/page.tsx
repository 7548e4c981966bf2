import { ConfigList } from '@/components/config/ConfigList';

export default function ConfigPage() {
  return <ConfigList />;
}
