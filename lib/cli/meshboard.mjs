#!/usr/bin/env node
/**
 * The meshboard command (package.json "bin"). Plain Node ESM that loads the TypeScript
 * CLI through tsx's API, so `node lib/cli/meshboard.mjs analyze -f dir` works without a
 * build step.
 */
import { tsImport } from 'tsx/esm/api';

const { main } = await tsImport('./analyze.ts', import.meta.url);
// lib/k8s/snapshot.ts (server-only, another part of Meshboard) is loaded only for --context.
const loadSnapshot = () => tsImport('../k8s/snapshot.ts', import.meta.url);
const io = { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) };
try {
  process.exitCode = await main(process.argv.slice(2), io, loadSnapshot);
} catch (e) {
  process.stderr.write(`meshboard: internal error: ${e && e.stack ? e.stack : e}\n`);
  process.exitCode = 3;
}
