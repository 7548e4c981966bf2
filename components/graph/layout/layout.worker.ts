/**
 * The layout Web Worker (a classic worker: Turbopack bundles it from
 * `new Worker(new URL('./layout.worker.ts', import.meta.url))`). It keeps one ELK
 * instance and the per-namespace layout cache of MeshLayouter across requests.
 *
 * in:  { id, input: LayoutInput, quick?: boolean } | { id, warmup: true }
 * out: { id, result: LayoutResult, final: boolean } | { id, error: string } | { id, superseded: true }
 * With `quick`, a provisional grid layout (quickLayout) is posted first, then ELK's.
 * Layouts run one at a time; a request still waiting when a newer one arrives is
 * dropped and answered with `superseded`, so the page knows it will get no layout.
 */
import ELK from 'elkjs/lib/elk.bundled.js';
import { MeshLayouter, quickLayout, type ElkLike, type LayoutInput } from './layout';

// elk.bundled.js, loaded in a worker, installs itself as the worker's message handler: take it back.
const scope = self as unknown as { onmessage: unknown; postMessage(m: unknown): void; addEventListener(t: 'message', l: (e: MessageEvent) => void): void };
scope.onmessage = null;

const layouter = new MeshLayouter(new ELK() as unknown as ElkLike);

const WARMUP: LayoutInput = {
  nodes: [
    { id: 'ns:a', kind: 'namespace' },
    { id: 'svc:a/x', kind: 'service', parent: 'ns:a' },
    { id: 'ver:a/x/v1', kind: 'version', parent: 'ns:a', services: ['svc:a/x'] },
    { id: 'svc:a/y', kind: 'service', parent: 'ns:a' },
    { id: 'ver:a/y/v1', kind: 'version', parent: 'ns:a', services: ['svc:a/y'] },
    { id: 'ext:se/a/db', kind: 'external', parent: 'ns:a' },
  ],
  edges: [
    { source: 'svc:a/x', target: 'ver:a/x/v1' },
    { source: 'ver:a/x/v1', target: 'svc:a/y' },
    { source: 'svc:a/y', target: 'ver:a/y/v1' },
    { source: 'ver:a/y/v1', target: 'ext:se/a/db' },
  ],
};

// Layouts run one at a time; only the newest waiting request is kept.
let running = false;
let waiting: { id: number; input: LayoutInput; quick?: boolean } | null = null;

async function run(): Promise<void> {
  if (running) return;
  running = true;
  while (waiting) {
    const msg = waiting;
    waiting = null;
    try {
      if (msg.quick) scope.postMessage({ id: msg.id, result: quickLayout(msg.input), final: false });
      const result = await layouter.layout(msg.input);
      scope.postMessage({ id: msg.id, result, final: true });
    } catch (e) {
      scope.postMessage({ id: msg.id, error: e instanceof Error ? e.message : String(e) });
    }
  }
  running = false;
}

scope.addEventListener('message', (ev: MessageEvent) => {
  const msg = ev.data as { id: number; input?: LayoutInput; warmup?: boolean; quick?: boolean };
  const input = msg.warmup ? WARMUP : msg.input;
  if (!input) return;
  if (waiting) scope.postMessage({ id: waiting.id, superseded: true });
  waiting = { id: msg.id, input, quick: msg.quick };
  void run();
});
