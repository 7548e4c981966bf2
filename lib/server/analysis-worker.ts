/**
 * The console's analysis, in a worker thread (see analysis.ts): it keeps its own copy of
 * the cluster's objects, updated with what changed, so a big mesh is analyzed without
 * holding up the server's requests. Built to dist/cli/analysis-worker.mjs (lib/cli/build.mjs).
 */
import { parentPort } from 'node:worker_threads';
import type { WorkerReply, WorkerRequest } from './analysis-protocol';
import { analyzeMesh, findingsForObject } from './analysis-core';
import type { K8sObject } from '../istio/types';

const objects = new Map<string, K8sObject>();
let meshConfigMap: K8sObject | undefined;
let crds: unknown[] = [];
let forbidden: string[] = [];

parentPort?.on('message', (req: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    for (const id of req.sync.deletes) objects.delete(id);
    for (const [id, o] of req.sync.upserts) objects.set(id, o);
    if (req.sync.meshConfigMap !== undefined) meshConfigMap = req.sync.meshConfigMap ?? undefined;
    if (req.sync.crds) crds = req.sync.crds;
    if (req.sync.forbidden) forbidden = req.sync.forbidden;
    const t0 = performance.now();
    const findings = req.edit
      ? findingsForObject([...objects.values()], req.edit, meshConfigMap, crds, forbidden)
      : analyzeMesh([...objects.values()], meshConfigMap, crds, forbidden);
    reply = { id: req.id, findings, ms: Math.round(performance.now() - t0) };
  } catch (e) {
    reply = { id: req.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  parentPort?.postMessage(reply);
});
