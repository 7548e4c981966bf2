/** What the global setup started, for the test workers. */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const STATE_FILE = path.resolve(__dirname, '..', '.run', 'state.json');

export interface E2eState {
  url: string;
  kubeconfig: string;
  kubectl: string;
  localcluster: string;
  server: string;
  prometheusUrl?: string;
}

export function readState(): E2eState {
  return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as E2eState;
}
