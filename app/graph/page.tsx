import { Suspense } from 'react';
import { GraphPage } from '@/components/graph/GraphPage';

export const metadata = { title: 'Graph · Meshboard' };

export default function Graph() {
  return (
    <Suspense fallback={<div className="empty">Loading…</div>}>
      <GraphPage />
    </Suspense>
  );
}
