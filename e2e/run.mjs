#!/usr/bin/env node
// `npm test`: every test. Unit tests (vitest), lint and types, the production build,
// then the end-to-end tests (Playwright + Debian Chromium + a real kube-apiserver).
// Ends with one line: `tests: N passed, M failed`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(repo);
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
const bin = (name) => path.join(repo, 'node_modules', '.bin', name);
const results = path.join(repo, 'test-results');
mkdirSync(results, { recursive: true });

let passed = 0;
let failed = 0;
const failures = [];

function run(title, cmd, args) {
  process.stdout.write(`\n=== ${title}\n`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env });
  return r.status === 0;
}

function check(title, cmd, args) {
  if (run(title, cmd, args)) passed++;
  else {
    failed++;
    failures.push(title);
  }
}

// 1. Unit tests
const unitJson = path.join(results, 'unit-results.json');
rmSync(unitJson, { force: true });
const unitOk = run('unit tests (vitest)', bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${unitJson}`]);
if (existsSync(unitJson)) {
  const u = JSON.parse(readFileSync(unitJson, 'utf8'));
  passed += u.numPassedTests;
  failed += u.numFailedTests;
  for (const f of u.testResults ?? []) for (const a of f.assertionResults ?? []) if (a.status === 'failed') failures.push(`unit: ${a.fullName}`);
  // A file that fails to load has no assertions but still fails the run.
  for (const f of u.testResults ?? [])
    if (f.status === 'failed' && !(f.assertionResults ?? []).length) {
      failed++;
      failures.push(`unit: ${path.relative(repo, f.name)} did not load: ${(f.message ?? '').split('\n')[0]}`);
    }
  // Errors outside any test (unhandled rejections) fail the run without failing a test.
  if (!unitOk && u.numFailedTests === 0 && u.numFailedTestSuites === 0) {
    failed++;
    failures.push('unit tests: vitest exited with an error outside the tests (see its output)');
  }
} else {
  failed++;
  failures.push('unit tests did not run');
}

// 2. Static checks, each one test.
check('types (tsc --noEmit)', bin('tsc'), ['--noEmit', '-p', '.']);
check('lint (eslint, incl. architecture import rules)', bin('eslint'), ['.']);
check('format (prettier --check)', bin('prettier'), ['--check', '.']);

// 3. Production build, then the end-to-end tests against it.
if (run('production build (next build)', bin('next'), ['build'])) {
  passed++;
  const e2eJson = path.join(results, 'e2e-results.json');
  rmSync(e2eJson, { force: true });
  run('end-to-end tests (Playwright, Debian Chromium, real kube-apiserver)', bin('playwright'), ['test']);
  if (existsSync(e2eJson)) {
    const e = JSON.parse(readFileSync(e2eJson, 'utf8'));
    passed += e.stats.expected;
    // A skipped end-to-end test proves nothing: it counts as failed.
    failed += e.stats.unexpected + e.stats.flaky + e.stats.skipped;
    if (e.stats.skipped) failures.push(`e2e: ${e.stats.skipped} test(s) skipped`);
    const walk = (suite) => {
      for (const s of suite.suites ?? []) walk(s);
      for (const sp of suite.specs ?? []) if (!sp.ok) failures.push(`e2e: ${sp.file}: ${sp.title}`);
    };
    for (const s of e.suites ?? []) walk(s);
    if (e.errors?.length) {
      failed += e.errors.length;
      for (const err of e.errors) failures.push(`e2e setup: ${(err.message ?? '').split('\n')[0]}`);
    }
  } else {
    failed++;
    failures.push('end-to-end tests did not run');
  }
} else {
  failed++;
  failures.push('production build');
}

if (failures.length) {
  console.log('\nFailed:');
  for (const f of failures) console.log(`  - ${f}`);
}
console.log(`\ntests: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
