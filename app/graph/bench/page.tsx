import { Suspense } from 'react';
import { GraphBench } from '@/components/graph/GraphBench';

export const metadata = { title: 'Graph benchmark · Meshboard' };

/** Renders a graph from static JSON for `npm run bench` (e2e/bench/browser.ts); no cluster needed. */
export default function GraphBenchPage() {
  return (
    <Suspense fallback={<div className="empty">Loading…</div>}>
      <GraphBench />
    </Suspense>
  );
}
