/**
 * A real Prometheus (Debian's `prometheus` package, with promtool) on loopback, loaded
 * with synthetic Istio telemetry for the demo mesh (traffic.ts):
 *
 * 1. history: an OpenMetrics file with samples over the last hour and the next
 *    HISTORY_LEAD seconds (every 15 s, every 5 s from 10 minutes ago on: the scrape
 *    interval), turned into TSDB blocks with `promtool tsdb create-blocks-from openmetrics`.
 *    The history reaches into the future so that there is no hole between it and the
 *    first live scrape (promtool and Prometheus' start-up take tens of seconds on a busy
 *    machine): a 5-minute rate() whose window began inside such a hole came out low
 *    (11 req/s for 12). Prometheus refuses scraped samples older than the newest block's
 *    end ("out of bounds"), so the live scrapes take over exactly where the history
 *    stops, within one scrape interval;
 * 2. the present: a tiny exporter on loopback that Prometheus scrapes every 5 s, serving
 *    the same counters (same labels, same linear growth, explicit timestamps), so the
 *    graph's "rate over the last 5m at now" keeps its figures however long a test run
 *    or a demo lasts;
 * 3. a check, with an explicit evaluation `time` inside the backfilled hour, that the
 *    imported series are queryable.
 *
 * Used by the Playwright global setup and `npm run demo`. Node-only.
 *
 * Cleanup: every failure on the way removes what was started (exporter, process, the
 * temporary folder). On Linux Prometheus is started through `setpriv --pdeathsig
 * TERM`, so it stops when the process that started it dies without stopping it
 * (killed, crashed); elsewhere only an orderly stop() ends it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../support/app';
import { DEMO_TRAFFIC, exposition, openMetrics, sampleTimes, seriesFor, type TrafficEdge } from './traffic';

export class PrometheusMissingError extends Error {
  constructor(what: string) {
    super(
      `${what} was not found on PATH. The graph's end-to-end tests run a real Prometheus:\n` +
        '  sudo apt-get install -y prometheus        # Debian/Ubuntu; includes promtool\n' +
        '  sudo systemctl stop prometheus            # the tests start their own, on loopback\n' +
        '(.ci/run installs it.) Or set PROMETHEUS_BIN / PROMTOOL_BIN to the binaries.',
    );
    this.name = 'PrometheusMissingError';
  }
}

export interface RunningPrometheus {
  url: string;
  /** Where the exporter of live samples listens. */
  exporterUrl: string;
  /** Unix seconds: the backfilled history ends here. */
  historyEnd: number;
  stop(): Promise<void>;
}

/** `setpriv --pdeathsig TERM --` when util-linux's setpriv is there (Linux): the child gets SIGTERM when its parent dies. */
function parentDeathGuard(): string[] {
  if (process.platform !== 'linux') return [];
  const setpriv = which('setpriv');
  if (!setpriv) return [];
  const r = spawnSync(setpriv, ['--pdeathsig', 'TERM', '--', 'true'], { encoding: 'utf8' });
  return r.status === 0 ? [setpriv, '--pdeathsig', 'TERM', '--'] : [];
}

function which(bin: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' });
  const p = r.stdout.trim();
  return r.status === 0 && p ? p : undefined;
}

export function findPrometheus(): { prometheus: string; promtool: string } {
  const prometheus = process.env.PROMETHEUS_BIN || which('prometheus');
  if (!prometheus) throw new PrometheusMissingError('prometheus');
  const promtool = process.env.PROMTOOL_BIN || which('promtool');
  if (!promtool) throw new PrometheusMissingError('promtool');
  return { prometheus, promtool };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Seconds of history written ahead of the present (see the header); longer than any start-up. */
const HISTORY_LEAD = 600;

/** The job's target has been scraped and is healthy (/api/v1/targets). */
async function scrapedHealthy(url: string, job: string): Promise<boolean> {
  const r = await fetch(`${url}/api/v1/targets?state=active`);
  const j = (await r.json()) as { data?: { activeTargets?: Array<{ labels?: Record<string, string>; health?: string }> } };
  return (j.data?.activeTargets ?? []).some((t) => t.labels?.job === job && t.health === 'up');
}

async function query(url: string, q: string, time?: number): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const body = new URLSearchParams({ query: q });
  if (time !== undefined) body.set('time', String(time));
  const r = await fetch(`${url}/api/v1/query`, { method: 'POST', body });
  const j = (await r.json()) as { status: string; error?: string; data?: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
  if (j.status !== 'success') throw new Error(`Prometheus query ${q} failed: ${j.error}`);
  return j.data?.result ?? [];
}

export async function startPrometheus(
  opts: { traffic?: TrafficEdge[]; historySeconds?: number; log?: (l: string) => void; dir?: string } = {},
): Promise<RunningPrometheus> {
  const log = opts.log ?? (() => {});
  const bins = findPrometheus();
  const dir = opts.dir ?? mkdtempSync(path.join(tmpdir(), 'meshboard-prometheus-'));
  let exporter: http.Server | undefined;
  let child: ChildProcess | undefined;
  const stop = async () => {
    const e = exporter;
    exporter = undefined;
    if (e?.listening) await new Promise<void>((resolve) => e.close(() => resolve()));
    const c = child;
    if (c && c.exitCode === null && c.signalCode === null) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => c.kill('SIGKILL'), 5000);
        c.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
        c.kill('SIGTERM');
      });
    }
    if (!opts.dir) rmSync(dir, { recursive: true, force: true });
  };
  const tail: string[] = [];
  try {
    const data = path.join(dir, 'data');
    mkdirSync(data, { recursive: true });
    const [port, exporterPort] = [await freePort(), await freePort()];
    const job = 'istio-mesh';
    const instance = `127.0.0.1:${exporterPort}`;
    const series = seriesFor(opts.traffic ?? DEMO_TRAFFIC);

    // 1. History, from an hour ago to HISTORY_LEAD seconds ahead.
    const now = Math.floor(Date.now() / 1000);
    const historyEnd = now + HISTORY_LEAD;
    const file = path.join(dir, 'history.om.txt');
    // History carries the target labels Prometheus gives the scraped samples, so history and present are one series each.
    const recent = now - 600;
    const times = [...sampleTimes(now - (opts.historySeconds ?? 3600), recent - 1, 15), ...sampleTimes(recent, historyEnd, 5)];
    writeFileSync(file, openMetrics(series, { times, extraLabels: { job, instance } }));
    const created = spawnSync(bins.promtool, ['tsdb', 'create-blocks-from', 'openmetrics', file, data], { encoding: 'utf8' });
    if (created.status !== 0)
      throw new Error(`promtool tsdb create-blocks-from openmetrics failed:\n${created.error?.message ?? (created.stderr || created.stdout)}`);
    rmSync(file, { force: true });

    // 2. The exporter of live samples.
    const server = http.createServer((req, res) => {
      if (req.url !== '/metrics') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
      res.end(exposition(series, Date.now() / 1000));
    });
    exporter = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(exporterPort, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    writeFileSync(
      path.join(dir, 'prometheus.yml'),
      `global:\n  scrape_interval: 5s\n  evaluation_interval: 1m\nscrape_configs:\n  - job_name: ${job}\n    honor_timestamps: true\n    static_configs:\n      - targets: ['${instance}']\n`,
    );

    // 3. Prometheus itself.
    const url = `http://127.0.0.1:${port}`;
    const [cmd, ...args] = [
      ...parentDeathGuard(),
      bins.prometheus,
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${data}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=30d',
      '--log.level=warn',
    ];
    const proc = spawn(cmd!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let spawnError: Error | undefined;
    proc.once('error', (e) => {
      spawnError = e;
    });
    const keep = (d: Buffer) => {
      tail.push(d.toString());
      if (tail.length > 50) tail.shift();
    };
    proc.stdout!.on('data', keep);
    proc.stderr!.on('data', keep);

    const deadline = Date.now() + 60_000;
    for (;;) {
      if (spawnError) throw new Error(`prometheus could not be started: ${spawnError.message}`);
      if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`prometheus exited (${proc.exitCode ?? proc.signalCode}):\n${tail.join('')}`);
      try {
        const r = await fetch(`${url}/-/ready`);
        if (r.ok) break;
      } catch {
        /* not yet */
      }
      if (Date.now() > deadline) throw new Error(`prometheus not ready within 60 s:\n${tail.join('')}`);
      await sleep(250);
    }
    // The backfilled hour is there (explicit time inside it), and so is "now"...
    const past = await query(url, 'count(istio_requests_total)', now - 600);
    if (!past.length || Number(past[0]!.value[1]) === 0)
      throw new Error('the imported telemetry is not queryable (count(istio_requests_total) 10 minutes ago is empty)');
    const present = await query(url, 'count(istio_requests_total)');
    if (!present.length || Number(present[0]!.value[1]) === 0) throw new Error('the imported telemetry is not queryable at the present time');
    // ...and the exporter is scraped, healthy (its samples are stored once the history ends; the `up` series too).
    const scrapeDeadline = Date.now() + 30_000;
    for (;;) {
      if (await scrapedHealthy(url, job)) break;
      if (Date.now() > scrapeDeadline) throw new Error(`prometheus did not scrape the telemetry exporter at ${instance}:\n${tail.join('')}`);
      await sleep(500);
    }
    log(`Prometheus ${url}: ${series.length} series, an hour of history (promtool) plus live scrapes of ${instance}`);
    return { url, exporterUrl: `http://${instance}`, historyEnd, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
