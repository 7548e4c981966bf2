/**
 * The second thread of `meshboard analyze` (started by meshboard.mjs for big inputs):
 * loads the same bundle through the same code cache, reads the files again and runs its
 * share of the analyzers (analyze.ts, analyzeThread), and answers with their findings.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import { loadWithCodeCache } from './code-cache.mjs';

const dist = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'cli');
const cli = loadWithCodeCache(path.join(dist, 'analyze.cjs'));
parentPort.postMessage(cli.exports.analyzeThread(workerData));
