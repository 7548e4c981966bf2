/**
 * `meshboard review --base DIR|--context NAME --head DIR [-o markdown|json] [--svg FILE]`:
 * compare two states of a mesh (a PR's folder against main's folder, or against the
 * live cluster) and print the impact: resources changed, findings introduced and
 * resolved over the whole mesh, route and mTLS/authorization decision changes, and an
 * SVG of the changed part of the graph.
 *
 * Exit codes: 0 the change introduces no Error finding, 1 it does, 2 bad input or usage.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { introducesError, reviewChange, reviewJson, reviewMarkdown, graphDiffSvg } from '../istio/review/index';
import type { K8sObject, MeshConfig } from '../istio/types';
import { InputError, loadInputs, UsageError, type Io, type SnapshotLoader } from './analyze';

/** lib/k8s/snapshot.ts ANALYSIS_TYPES (not imported here: lib/k8s loads only with --context). */
const ANALYSIS_ONLY_KINDS = new Set([
  'Secret',
  'ConfigMap',
  'Node',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'CustomResourceDefinition',
]);

export const REVIEW_USAGE = `Usage: meshboard review (--base PATH | --context NAME) --head PATH [-o markdown|json] [--svg FILE]

Compare two states of a mesh and print what the change does: resources created,
changed and deleted, findings it introduces and resolves (over the whole mesh, not just
the changed objects), route changes and mTLS/authorization decisions that change for
known callers, with an SVG of the changed part of the graph.

Options:
      --base PATH        The state before: a YAML file or folder (repeatable; folders
                         are read recursively, Kustomize folders through resources:).
      --context NAME     The state before is the live cluster of this kubeconfig
                         context ("" or "current": the current context); the head
                         files are then laid over it (objects with the same kind,
                         namespace and name replace the live ones).
      --head PATH        The state after (repeatable).
  -o, --output FORMAT    markdown (default) or json.
      --svg FILE         Also write the SVG of the changed part of the graph to FILE
                         (the Markdown links to it instead of inlining it).
      --version-labels K=V,...
                         App/version label pairs for grouping workloads (default
                         app=version, app.kubernetes.io/name=app.kubernetes.io/version).
  -h, --help             Show this help.

Exit status: 0 when the change introduces no Error finding, 1 when it does, 2 on bad
input or usage.
`;

export interface ReviewCliOptions {
  help: boolean;
  base: string[];
  head: string[];
  context?: string;
  output: 'markdown' | 'json';
  svg?: string;
  versionLabels?: Array<[string, string]>;
}

export function parseReviewArgs(argv: readonly string[]): ReviewCliOptions {
  const args = [...argv];
  if (args[0] === 'review') args.shift();
  const o: ReviewCliOptions = { help: false, base: [], head: [], output: 'markdown' };
  while (args.length) {
    const raw = args.shift()!;
    const eq = raw.startsWith('--') ? raw.indexOf('=') : -1;
    const flag = eq > 0 ? raw.slice(0, eq) : raw;
    const value = (): string => {
      if (eq > 0) return raw.slice(eq + 1);
      const v = args.shift();
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '-h':
      case '--help':
        o.help = true;
        break;
      case '--base':
        o.base.push(value());
        break;
      case '--head':
        o.head.push(value());
        break;
      case '--context':
        o.context = value();
        break;
      case '--svg':
        o.svg = value();
        break;
      case '-o':
      case '--output': {
        const v = value();
        if (v !== 'markdown' && v !== 'json' && v !== 'md') throw new UsageError(`-o: unknown format ${JSON.stringify(v)} (markdown or json)`);
        o.output = v === 'json' ? 'json' : 'markdown';
        break;
      }
      case '--version-labels':
        o.versionLabels = value()
          .split(',')
          .filter(Boolean)
          .map((p) => {
            const [a, v] = p.split('=');
            if (!a || !v) throw new UsageError(`--version-labels: expected APP_LABEL=VERSION_LABEL, got ${JSON.stringify(p)}`);
            return [a, v] as [string, string];
          });
        break;
      default:
        throw new UsageError(`unknown flag or argument ${JSON.stringify(raw)}`);
    }
  }
  if (o.help) return o;
  if (!o.head.length) throw new UsageError('--head PATH is required');
  if (o.base.length && o.context !== undefined) throw new UsageError('--base and --context exclude each other');
  if (!o.base.length && o.context === undefined) throw new UsageError('give the state before with --base PATH or --context NAME');
  return o;
}

const idOf = (o: K8sObject) =>
  `${o.apiVersion.split('/').length > 1 ? o.apiVersion.split('/')[0] : ''}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

export async function reviewMain(argv: readonly string[], io: Io, loadSnapshot: SnapshotLoader): Promise<number> {
  let opts: ReviewCliOptions;
  try {
    opts = parseReviewArgs(argv);
  } catch (e) {
    io.stderr(`meshboard: ${(e as Error).message}\nRun "meshboard review --help" for usage.\n`);
    return 2;
  }
  if (opts.help) {
    io.stdout(REVIEW_USAGE);
    return 0;
  }
  try {
    const head = loadInputs(opts.head);
    for (const w of head.warnings) io.stderr(`warning: ${w}\n`);
    let baseObjects: K8sObject[];
    let headObjects: K8sObject[];
    let meshConfig: MeshConfig | undefined;
    if (opts.context !== undefined) {
      const mod = await loadSnapshot();
      if (typeof mod.loadClusterResources !== 'function') throw new InputError(['--context: the cluster reader is not available']);
      const ctx = opts.context === '' || opts.context === 'current' ? undefined : opts.context;
      let snap;
      try {
        snap = await mod.loadClusterResources(ctx);
      } catch (e) {
        throw new InputError([`--context ${opts.context}: cannot read the cluster: ${(e as Error).message.split('\n')[0]}`]);
      }
      // The kinds the snapshot reads only for istioctl's analyzers stay out of a review, as
      // before they were read: no Secret's data may reach a pull-request comment, and a CRD
      // read without its schemas is no base to diff a file's CRD against.
      baseObjects = snap.objects.filter((o) => !ANALYSIS_ONLY_KINDS.has(o.kind));
      meshConfig = snap.meshConfig;
      const fromFiles = new Set(head.objects.map(idOf));
      headObjects = [...baseObjects.filter((o) => !fromFiles.has(idOf(o))), ...head.objects];
    } else {
      const base = loadInputs(opts.base);
      for (const w of base.warnings) io.stderr(`warning: ${w}\n`);
      baseObjects = base.objects;
      headObjects = head.objects;
    }
    const review = reviewChange(baseObjects, headObjects, { meshConfig, versionLabels: opts.versionLabels });
    let svgPath: string | undefined;
    if (opts.svg) {
      const svg = graphDiffSvg(review.graph);
      if (svg) {
        writeFileSync(opts.svg, `${svg}\n`);
        svgPath = path.basename(opts.svg);
      }
    }
    io.stdout(opts.output === 'json' ? `${JSON.stringify(reviewJson(review), null, 2)}\n` : `${reviewMarkdown(review, { svgPath })}\n`);
    return introducesError(review) ? 1 : 0;
  } catch (e) {
    if (e instanceof InputError) {
      io.stderr(e.lines.map((l) => `${l}\n`).join(''));
      return 2;
    }
    throw e;
  }
}
