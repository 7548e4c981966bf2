/**
 * `meshboard graph`: the mesh graph of YAML/JSON files and folders (a GitOps
 * repository), as the JSON GET /api/graph answers or as a self-contained SVG, so a
 * repository's mesh can be drawn in CI without a cluster.
 *
 * Same inputs as `meshboard analyze -f` (its loader: multi-document YAML, JSON,
 * `kind: List`, folders recursively, Kustomize resources:), same pure builder as
 * /api/graph (lib/istio/graph buildGraph), same findings (lib/istio/analysis) attached
 * by the same code (lib/server/graph-response.ts): for the same objects the JSON is the
 * same, except meta.buildMs and meta.findings.ms (timings) and meta.prometheus (off:
 * files carry no telemetry).
 *
 * Exit codes: 0 drawn, 2 bad input or usage (unreadable file, invalid YAML reported as
 * file:line:column: message, unknown flag). Node-only.
 */
import { writeFileSync } from 'node:fs';
import type { GraphResponse, PrometheusStatus } from '../contracts/graph';
import { analyze } from '../istio/analysis/index';
import { buildGraph, GraphQueryError, parseVersionLabels, DEFAULT_VERSION_LABELS } from '../istio/graph';
import { validateNamespace } from '../istio/graph/observed';
import { indexResources } from '../istio/resources';
import type { MeshConfig } from '../istio/types';
import { graphResponse } from '../server/graph-response';
import { CLUSTER_SCOPED, flagsOf, InputError, loadInputs, meshConfigFrom, meshConfigMapIn, readYamlFile, UsageError, type Io } from './analyze';
import { renderSvg } from './graph-svg';

export const GRAPH_USAGE = `Usage: meshboard graph -f FILE_OR_DIR... [-o json|svg] [--namespaces a,b]

Draw the mesh graph of configuration files (a GitOps folder) without a cluster: the
same graph as the console's graph page and GET /api/graph (same JSON), with security
(mTLS, HBONE), authorization decisions and their enforcement points, route weights,
and the findings of "meshboard analyze" attached to nodes and edges.

Options:
  -f, --filename PATH      A YAML or JSON file, or a folder (its .yaml, .yml and .json
                           files, recursively; a folder with a kustomization.yaml is
                           read through its resources: list), as "meshboard analyze"
                           reads them. Repeatable; also accepted as plain arguments.
                           "-" reads stdin.
  -o, --output FORMAT      json (default): the /api/graph body ({nodes, edges, meta});
                           svg: a self-contained SVG picture (no scripts, fonts or
                           links), every mark spelled out in text as well as colour.
      --namespaces A,B     Draw these namespaces (and their direct neighbours), as
                           /api/graph?namespaces= does. Default: all.
      --version-labels APP:VER,...
                           App/version label pairs tried in order (default
                           app:version,app.kubernetes.io/name:app.kubernetes.io/version).
  -n, --namespace NS       Namespace of namespaced objects that set none (default
                           "default", as kubectl apply would use).
      --mesh-config FILE   Mesh config (MeshConfig YAML, or the istio ConfigMap); by
                           default the istio ConfigMap among the files, if any.
      --no-default-resources
                           Findings: do not add istioctl's synthetic
                           istio-ingressgateway Service/Pod (as "meshboard analyze";
                           the console's findings for a cluster are made without).
      --output-file FILE   Write the result to FILE instead of stdout.
  -h, --help               Show this help.

What the files need to contain: the graph models the data plane from the Namespaces,
Services, Deployments and Pods it is given, exactly as it does for a cluster.
  - No Pods (the usual GitOps folder): workloads come from the Deployments' pod
    templates; their sidecar or ambient mode is what a new pod would get from the
    namespace and template labels (a live cluster's running pods could differ).
  - No Namespace objects: a namespace without labels is assumed, so workloads count as
    out of the mesh (no injection, not ambient) unless their own template labels say
    otherwise (a warning on stderr names them). Include the Namespace manifests
    (istio-injection, istio.io/dataplane-mode, istio.io/use-waypoint labels).
  - No Services: no service nodes; routes and calls to such hosts are not drawn.
  - No Deployments for Gateway API Gateways or waypoints (istiod creates them): the
    gateway and waypoint nodes are still drawn, with the identity istiod would give
    them (<gateway>-<class> service account); no Deployment for an Istio Gateway's
    selector: a gateway node marked unresolved.
  - Mesh-wide policy (PeerAuthentication, AuthorizationPolicy in istio-system) counts
    only when its file is given.

Exit status: 0 when the graph was drawn (findings do not change it: use "meshboard
analyze" to fail a build on them), 2 on bad input or usage.
`;

export interface GraphCliOptions {
  command: 'graph' | 'help';
  files: string[];
  output: 'json' | 'svg';
  namespaces: string[];
  versionLabels: Array<[string, string]>;
  namespace: string;
  meshConfig?: string;
  defaultResources: boolean;
  outputFile?: string;
}

/** Telemetry is never read from files. */
export const FILES_PROMETHEUS: PrometheusStatus = { status: 'off', message: 'meshboard graph draws the configuration in files only: no telemetry.' };

export function parseGraphArgs(argv: readonly string[]): GraphCliOptions {
  const opts: GraphCliOptions = {
    command: 'graph',
    files: [],
    output: 'json',
    namespaces: [],
    versionLabels: DEFAULT_VERSION_LABELS.map(([a, v]) => [a, v] as [string, string]),
    namespace: 'default',
    defaultResources: true,
  };
  const args = [...argv];
  if (args[0] === 'graph') args.shift();
  for (const { arg: a, flag, value } of flagsOf(args, opts.files)) {
    switch (flag) {
      case '-h':
      case '--help':
        return { ...opts, command: 'help' };
      case '-f':
      case '--filename':
        opts.files.push(value());
        break;
      case '-o':
      case '--output': {
        const v = value().toLowerCase();
        if (v !== 'json' && v !== 'svg') throw new UsageError(`unsupported output format "${v}" (use json or svg)`);
        opts.output = v;
        break;
      }
      case '--namespaces': {
        const list = value()
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        try {
          for (const ns of list) validateNamespace(ns);
        } catch (e) {
          throw new UsageError(`--namespaces: ${(e as Error).message}`);
        }
        opts.namespaces = [...new Set([...opts.namespaces, ...list])];
        break;
      }
      case '--version-labels':
        try {
          opts.versionLabels = parseVersionLabels(value());
        } catch (e) {
          if (e instanceof GraphQueryError) throw new UsageError(`--version-labels: ${e.message}`);
          throw e;
        }
        break;
      case '-n':
      case '--namespace': {
        const ns = value();
        try {
          validateNamespace(ns);
        } catch (e) {
          throw new UsageError(`${flag}: ${(e as Error).message}`);
        }
        opts.namespace = ns;
        break;
      }
      case '--mesh-config':
      case '--meshConfigFile':
        opts.meshConfig = value();
        break;
      case '--no-default-resources':
        opts.defaultResources = false;
        break;
      case '--output-file':
        opts.outputFile = value();
        break;
      default:
        throw new UsageError(`unknown flag: ${a}`);
    }
  }
  return opts;
}

/**
 * The graph of the files, as GET /api/graph answers for a cluster holding the same
 * objects. Throws InputError (bad files) and UsageError.
 */
export function graphOfFiles(opts: Pick<GraphCliOptions, 'files' | 'namespaces' | 'versionLabels' | 'namespace' | 'meshConfig' | 'defaultResources'>): {
  graph: GraphResponse;
  warnings: string[];
} {
  if (!opts.files.length) throw new UsageError('nothing to draw: give files or folders with -f');
  const input = loadInputs(opts.files);
  const objects = input.objects;
  for (const o of objects) if (!o.metadata.namespace && !CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = opts.namespace;
  let meshConfig: MeshConfig | undefined = opts.meshConfig ? (meshConfigFrom(readYamlFile(opts.meshConfig, 'mesh config')) as MeshConfig) : undefined;
  if (!meshConfig) {
    const cm = meshConfigMapIn(objects);
    if (cm) meshConfig = meshConfigFrom(cm) as MeshConfig;
  }
  const t0 = performance.now();
  const built = buildGraph(indexResources(objects, meshConfig), { namespaces: opts.namespaces, versionLabels: opts.versionLabels });
  const buildMs = Math.round(performance.now() - t0);
  const t1 = performance.now();
  // As "meshboard analyze -f": files without any Secret skip the checks that need them.
  const unreadKinds = objects.some((o) => o.kind === 'Secret' && o.apiVersion === 'v1') ? [] : ['Secret'];
  const findings = analyze(objects, { meshConfig, defaultResources: opts.defaultResources, unreadKinds });
  const ms = Math.round(performance.now() - t1);
  const graph = graphResponse({ graph: built, buildMs, findings: { findings, ms }, namespaces: opts.namespaces, prometheus: FILES_PROMETHEUS });
  // The data plane of a namespace comes from its labels: say when the files leave them out.
  const declared = new Set(objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name));
  const used = [...new Set(objects.map((o) => o.metadata.namespace).filter((ns): ns is string => !!ns && !declared.has(ns)))].sort();
  const warnings = [...input.warnings];
  if (used.length)
    warnings.push(`no Namespace object for ${used.join(', ')} in the files: drawn as namespaces without labels (no sidecar injection, not ambient)`);
  return { graph, warnings };
}

const defaultIo: Io = { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) };

export async function graphMain(argv: readonly string[], io: Io = defaultIo): Promise<number> {
  const usage = (e: Error) => {
    io.stderr(`meshboard: ${e.message}\nRun "meshboard graph --help" for usage.\n\n${GRAPH_USAGE}`);
    return 2;
  };
  let opts: GraphCliOptions;
  try {
    opts = parseGraphArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) return usage(e);
    throw e;
  }
  if (opts.command === 'help') {
    io.stdout(GRAPH_USAGE);
    return 0;
  }
  try {
    const { graph, warnings } = graphOfFiles(opts);
    for (const w of warnings) io.stderr(`warning: ${w}\n`);
    const out = opts.output === 'svg' ? await renderSvg(graph) : `${JSON.stringify(graph, null, 2)}\n`;
    if (opts.outputFile) {
      try {
        writeFileSync(opts.outputFile, out);
      } catch (e) {
        throw new InputError([`${opts.outputFile}: cannot write: ${(e as Error).message}`]);
      }
    } else io.stdout(out);
    return 0;
  } catch (e) {
    if (e instanceof InputError) {
      io.stderr(e.lines.map((l) => `${l}\n`).join(''));
      return 2;
    }
    if (e instanceof UsageError) return usage(e);
    throw e;
  }
}
