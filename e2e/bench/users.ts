/**
 * A team on one console: 20 signed-in users on the generated 10,000-resource mesh in the
 * local control plane, the console in in-cluster token mode (its deploy/ ServiceAccount
 * and RBAC), each user a ServiceAccount token with its own RoleBindings (18 users with
 * `view` on three namespaces each, all different, 2 with cluster-wide `view`). Prints the
 * server's memory (RSS of the `next start` process tree) before and after the users
 * arrive and at peak, and per user the p95 of GET /api/config and GET /api/graph while
 * all 20 ask at once, round after round. Also the measured cost of one watch cache,
 * which is what per-user caches would multiply by the number of users.
 * Needs the production build (`npx next build`).
 *
 *   npx tsx e2e/bench/users.ts [--resources 10000] [--users 20] [--rounds 10]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateMesh } from '../../lib/istio/generate';
import { kubectlOk, type LocalCluster } from '../cluster/cluster';
import { REPO, startApp, type RunningApp } from '../support/app';
import { tokenKubeconfig } from '../support/kubeconfig';
import { treeRss } from '../support/rss';
import { clusterWithMesh } from './mesh-cluster';

const args = process.argv.slice(2);
const opt = (name: string, dflt: number) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? Number(args[i + 1]) : dflt;
};
const RESOURCES = opt('--resources', 10_000);
const USERS = opt('--users', 20);
const ROUNDS = opt('--rounds', 10);
const CLUSTER_VIEWERS = Math.min(2, USERS);
const SESSION_KEY = 'bench-session-key-0123456789-abcdefghijklmnopqrstuvwxyz';

export interface UsersBenchResult {
  resources: number;
  users: number;
  rounds: number;
  rssMb: { ready: number; firstUser: number; allSignedIn: number; peak: number; end: number };
  oneCacheMb: number;
  perUserCachesEstimateMb: number;
  api: Record<'config' | 'graph', { p50: number; p95: number; max: number; worstUserP95: number; bestUserP95: number; firstMedian: number }>;
  seen: Array<{ user: string; namespaces: number; configItems: number; graphNodes: number }>;
}

/** RSS in MB of a process and all its descendants. */
const treeRssMb = (pid: number) => treeRss(pid) / 1024 / 1024;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
};

interface User {
  name: string;
  namespaces: string[] | 'all';
  token: string;
  cookie: string;
}

async function setUpUsers(cluster: LocalCluster, namespaces: string[]): Promise<User[]> {
  const users: User[] = [];
  const docs: object[] = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench-users' } }];
  for (let i = 0; i < USERS; i++) {
    const name = `user-${String(i + 1).padStart(2, '0')}`;
    docs.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: 'bench-users' } });
    const subject = { kind: 'ServiceAccount', name, namespace: 'bench-users' };
    const roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' };
    if (i >= USERS - CLUSTER_VIEWERS) {
      docs.push({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: `bench-${name}-view` },
        subjects: [subject],
        roleRef,
      });
      users.push({ name, namespaces: 'all', token: '', cookie: '' });
    } else {
      const mine = [0, 1, 2].map((k) => namespaces[(i * 3 + k) % namespaces.length]!);
      for (const ns of mine)
        docs.push({
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'RoleBinding',
          metadata: { name: `bench-${name}-view`, namespace: ns },
          subjects: [subject],
          roleRef,
        });
      users.push({ name, namespaces: mine, token: '', cookie: '' });
    }
  }
  await kubectlOk(cluster, ['apply', '-f', '-'], docs.map((d) => JSON.stringify(d)).join('\n'));
  for (const u of users) u.token = (await kubectlOk(cluster, ['create', 'token', u.name, '-n', 'bench-users', '--duration=2h'])).trim();
  return users;
}

async function consoleKubeconfig(cluster: LocalCluster): Promise<string> {
  await kubectlOk(cluster, ['apply', '-f', path.join(REPO, 'deploy', 'meshboard.yaml')]);
  const saToken = (await kubectlOk(cluster, ['create', 'token', 'meshboard', '-n', 'meshboard', '--duration=2h'])).trim();
  return tokenKubeconfig(cluster.kubeconfig, saToken);
}

async function signIn(app: RunningApp, u: User): Promise<void> {
  const r = await fetch(`${app.url}/api/session`, {
    method: 'POST',
    headers: { Origin: app.url, 'Content-Type': 'application/json' },
    body: JSON.stringify({ token: u.token }),
  });
  if (!r.ok) throw new Error(`sign-in of ${u.name} failed: ${r.status} ${await r.text()}`);
  u.cookie = (r.headers.get('set-cookie') ?? '').split(';')[0]!;
  if (!u.cookie) throw new Error(`sign-in of ${u.name} set no cookie`);
}

async function timed(app: RunningApp, u: User, p: string): Promise<{ ms: number; body: any }> {
  const t0 = performance.now();
  const r = await fetch(`${app.url}${p}`, { headers: { Cookie: u.cookie } });
  const text = await r.text();
  const ms = performance.now() - t0;
  if (!r.ok) throw new Error(`${u.name} GET ${p}: ${r.status} ${text.slice(0, 300)}`);
  return { ms, body: JSON.parse(text) };
}

async function main(): Promise<void> {
  const { objects } = generateMesh(RESOURCES);
  const namespaces = objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name);
  const { cluster, count } = await clusterWithMesh(objects);
  let app: RunningApp | undefined;
  try {
    const users = await setUpUsers(cluster, namespaces);
    const kubeconfig = await consoleKubeconfig(cluster);
    app = await startApp({ kubeconfig, env: { MESHBOARD_AUTH: 'token', MESHBOARD_SESSION_KEY: SESSION_KEY }, readyPath: '/api/healthz' });
    const pid = app.process.pid!;
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, treeRssMb(pid))), 250);
    const rss = () => {
      const v = treeRssMb(pid);
      peak = Math.max(peak, v);
      return v;
    };
    const ready = rss();
    console.log(
      `mesh: ${count} objects in the local control plane; ${USERS} users (${USERS - CLUSTER_VIEWERS} with view on 3 namespaces each, ${CLUSTER_VIEWERS} cluster-wide); console in token mode as its deploy/ ServiceAccount`,
    );

    // The first user fills the shared cache: its cost is what a per-user cache would cost each.
    const first = { config: [] as number[], graph: [] as number[] };
    await signIn(app, users[0]!);
    first.config.push((await timed(app, users[0]!, '/api/config')).ms);
    first.graph.push((await timed(app, users[0]!, '/api/graph')).ms);
    const firstUser = rss();
    for (const u of users.slice(1)) {
      await signIn(app, u);
      first.config.push((await timed(app, u, '/api/config')).ms);
      first.graph.push((await timed(app, u, '/api/graph')).ms);
    }
    const allSignedIn = rss();

    const lat = { config: new Map<string, number[]>(), graph: new Map<string, number[]>() };
    const seen: UsersBenchResult['seen'] = [];
    for (let round = 0; round < ROUNDS; round++) {
      await Promise.all(
        users.map(async (u) => {
          const c = await timed(app!, u, '/api/config');
          const g = await timed(app!, u, '/api/graph');
          lat.config.set(u.name, [...(lat.config.get(u.name) ?? []), c.ms]);
          lat.graph.set(u.name, [...(lat.graph.get(u.name) ?? []), g.ms]);
          if (round === 0) {
            const nss = new Set((c.body.items as Array<{ namespace?: string }>).map((i) => i.namespace).filter(Boolean));
            seen.push({ user: u.name, namespaces: nss.size, configItems: c.body.items.length, graphNodes: (g.body.nodes ?? []).length });
            // Each user sees exactly their own namespaces (the scoping the design promises).
            if (u.namespaces !== 'all' && [...nss].some((n) => !(u.namespaces as string[]).includes(n as string)))
              throw new Error(`${u.name} saw namespaces outside its RoleBindings: ${[...nss].join(', ')}`);
          }
        }),
      );
    }
    clearInterval(sampler);
    const end = rss();

    const summary = (m: Map<string, number[]>, firsts: number[]) => {
      const all = [...m.values()].flat();
      const perUser = [...m.values()].map((xs) => pct(xs, 95));
      return {
        p50: pct(all, 50),
        p95: pct(all, 95),
        max: Math.max(...all),
        worstUserP95: Math.max(...perUser),
        bestUserP95: Math.min(...perUser),
        firstMedian: pct(firsts, 50),
      };
    };
    const oneCacheMb = firstUser - ready;
    const result: UsersBenchResult = {
      resources: count,
      users: USERS,
      rounds: ROUNDS,
      rssMb: { ready, firstUser, allSignedIn, peak, end },
      oneCacheMb,
      perUserCachesEstimateMb: ready + oneCacheMb * USERS,
      api: { config: summary(lat.config, first.config), graph: summary(lat.graph, first.graph) },
      seen: seen.sort((a, b) => a.user.localeCompare(b.user)),
    };
    const f = (x: number) => x.toFixed(0);
    console.log(
      `server RSS: ${f(ready)} MB ready, ${f(firstUser)} MB after the first user (shared cache filled: ${f(oneCacheMb)} MB), ${f(allSignedIn)} MB with all ${USERS} signed in, peak ${f(peak)} MB, ${f(end)} MB at the end`,
    );
    for (const k of ['config', 'graph'] as const) {
      const s = result.api[k];
      console.log(
        `GET /api/${k}, ${USERS} users at once x ${ROUNDS} rounds: p50 ${f(s.p50)} ms, p95 ${f(s.p95)} ms, max ${f(s.max)} ms; per-user p95 from ${f(s.bestUserP95)} to ${f(s.worstUserP95)} ms; first request per user (median) ${f(s.firstMedian)} ms`,
      );
    }
    for (const s of result.seen) console.log(`  ${s.user}: ${s.namespaces} namespaces, ${s.configItems} config rows, ${s.graphNodes} graph nodes`);
    console.log(
      `per-user caches instead (one cache measured at ${f(oneCacheMb)} MB, times ${USERS} users): about ${f(result.perUserCachesEstimateMb)} MB, and ${USERS} times the watches; the shared cache with per-user views used ${f(peak)} MB at peak`,
    );
    const dir = path.join(REPO, 'bench-results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'users.json'), JSON.stringify(result, null, 2));
  } finally {
    await app?.stop();
    await cluster.destroy();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
