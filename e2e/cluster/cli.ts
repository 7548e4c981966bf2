/**
 * `npm run cluster -- [--dir DIR] [--port N] [--seed]`: start the local control plane
 * in the foreground, print how to reach it, stop on Ctrl-C. Handy for development.
 */
import { startLocalCluster } from './cluster';
import { installIstioCrds, seedDemo } from './seed';

async function main() {
  const args = process.argv.slice(2);
  const opt = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const cluster = await startLocalCluster({ dir: opt('--dir'), port: opt('--port') ? Number(opt('--port')) : undefined, log: (l) => console.error(l) });
  await installIstioCrds(cluster);
  if (args.includes('--seed')) await seedDemo(cluster, (l) => console.error(l));
  console.log(`API server: ${cluster.server}`);
  console.log(`export KUBECONFIG=${cluster.kubeconfig}   # contexts: admin, viewer`);
  console.log(`kubectl: ${cluster.bins.kubectl}`);
  const stop = async () => {
    await cluster.destroy();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
