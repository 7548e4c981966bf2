/**
 * `meshboard analyze`: read YAML and JSON files and folders (recursively; multi-document
 * files; `kind: List`; Kustomize folders through their `resources:`), or a live cluster with --context, run
 * the analysis engine and print findings as text (grouped like istioctl) or JSON.
 *
 * Exit codes: 0 no Error finding, 1 at least one Error finding, 2 bad input or usage
 * (unreadable file, invalid YAML reported as file:line:column: message, unknown flag).
 * Node-only; the engine it calls (lib/istio/analysis) is pure.
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { CORE_SCHEMA, FAILSAFE_SCHEMA, loadAll as loadAllYaml, Type } from 'js-yaml';
import { parse as parseYaml } from 'yaml';
import { LEVEL_ORDER, parseResourceName, type Finding, type FindingLevel } from '../istio/findings';
import { friendlyName, isK8sObject } from '../istio/resources';
import type { K8sObject, MeshConfig } from '../istio/types';
import { readBlockYamlFile, type BlockYamlFile } from './block-yaml';
import { nonEmptyDocuments, parseYamlDocuments, toYaml, rangeOfPath, type ParsedDocument, type ParseResult } from '../istio/yaml';
import { analyze, ANALYZERS, normalizeObjects, resolveAnalyzers, UnknownAnalyzerError, type MeshNetworks } from '../istio/analysis/index';

export const USAGE = `Usage: meshboard analyze [-f FILE_OR_DIR]... [--context NAME] [-A | -n NS] [-o log|json|yaml]

Analyze Istio configuration offline (YAML files and folders) or in a live cluster, and
report problems with istioctl's IST codes and Meshboard's MB codes.

Options:
  -f, --filename PATH      A YAML or JSON file, or a folder (its .yaml, .yml and .json
                           files, recursively; a folder with a kustomization.yaml is
                           read through its resources: list).
                           Repeatable; also accepted as plain arguments. "-" reads stdin.
      --mesh-config FILE   Mesh config (MeshConfig YAML, or the istio ConfigMap).
                           Also spelled --meshConfigFile, as istioctl does.
      --mesh-networks FILE MeshNetworks (YAML, or the istio ConfigMap's meshNetworks).
  -o, --output FORMAT      log (default; "text" is the same), json or yaml: a list of
                           {code, level, message, resource, path?}.
      --output-threshold LEVEL
                           Print findings at this level or worse: Info (default),
                           Warning or Error.
      --failure-threshold LEVEL
                           Exit 1 when a finding is at this level or worse: Error
                           (default), Warning or Info.
      --context NAME       Analyze the cluster of this kubeconfig context (files given
                           with -f are added on top, as with istioctl analyze).
  -k, --use-kube[=BOOL]    Analyze the current kubeconfig context (the default when no
                           file is given); --use-kube=false: files only.
  -A, --all-namespaces     In a cluster: report on every namespace.
  -n, --namespace NS       Report on this namespace only, as istioctl does; in a
                           cluster without -A the default is the context's namespace,
                           else "default". Also the namespace of file resources that
                           set none.
      --analyzer NAME      Run only this analyzer (repeatable, or comma-separated).
  -L, --list-analyzers     List the analyzers and the codes they emit.
  -v, --verbose            Say on stderr which analyzers were skipped, and why (files
                           without Secrets skip the gateway secret checks, as istioctl
                           does without a cluster).
      --no-default-resources
                           Do not add istioctl's synthetic istio-ingressgateway Service/Pod.
  -h, --help               Show this help.

Exit status: 0 when no finding reaches the failure threshold, 1 when one does, 2 on bad
input or usage (istioctl: 0, 79, and 65 / 64).

See also: meshboard graph --help (the mesh graph of the same files, as JSON or SVG).
`;

export interface CliOptions {
  command: 'analyze' | 'help';
  files: string[];
  meshConfig?: string;
  meshNetworks?: string;
  output: 'text' | 'json' | 'yaml';
  /** Lowest level printed (istioctl --output-threshold, default Info). */
  outputThreshold: FindingLevel;
  /** Lowest level that makes the exit status 1 (istioctl --failure-threshold, default Error). */
  failureThreshold: FindingLevel;
  context?: string;
  /** Read the current kubeconfig context: true/false when given (-k, --use-kube=false), else undefined. */
  useKube?: boolean;
  allNamespaces: boolean;
  analyzers?: string[];
  /** Namespace for namespaced objects that have none (as kubectl apply -n would set). */
  namespace?: string;
  listAnalyzers: boolean;
  defaultResources: boolean;
  verbose: boolean;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Bad input: printed as is (already "file:line:column: message" where a position is known). */
export class InputError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
    this.name = 'InputError';
  }
}

/** One flag of a command line: as typed, its name, and its value (inline after "=", or the next argument). */
export interface ArgFlag {
  arg: string;
  flag: string;
  inline?: string;
  /** The flag's value; throws UsageError when there is none. */
  value: () => string;
}

function inlineOf(a: string): string | undefined {
  const eq = a.indexOf('=');
  return eq > 0 && a.startsWith('--') ? a.slice(eq + 1) : undefined;
}

/**
 * The flags of `args` (consumed), as cobra reads them: plain arguments and "-" go to
 * `plain`, everything after "--" too; "--flag=value" or "--flag value".
 */
export function* flagsOf(args: string[], plain: string[]): Generator<ArgFlag> {
  while (args.length) {
    const a = args.shift() as string;
    if (!a.startsWith('-') || a === '-') {
      plain.push(a);
      continue;
    }
    if (a === '--') {
      plain.push(...args.splice(0));
      return;
    }
    const inline = inlineOf(a);
    const flag = inline !== undefined ? a.slice(0, a.indexOf('=')) : a;
    yield {
      arg: a,
      flag,
      inline,
      value: () => {
        if (inline !== undefined) return inline;
        const v = args.shift();
        if (v === undefined || (v.startsWith('-') && v !== '-')) throw new UsageError(`flag ${flag} needs a value`);
        return v;
      },
    };
  }
}

export function parseArgs(argv: readonly string[]): CliOptions {
  const opts: CliOptions = {
    command: 'analyze',
    files: [],
    output: 'text',
    outputThreshold: 'Info',
    failureThreshold: 'Error',
    allNamespaces: false,
    listAnalyzers: false,
    defaultResources: true,
    verbose: false,
  };
  const args = [...argv];
  if (args[0] === 'help' || args[0] === '--help' || args[0] === '-h') return { ...opts, command: 'help' };
  if (args[0] === 'analyze') args.shift();
  else if (args.length && !args[0]?.startsWith('-')) throw new UsageError(`unknown command "${args[0]}" (the commands are "analyze" and "graph")`);
  for (const { arg: a, flag, inline, value } of flagsOf(args, opts.files)) {
    switch (flag) {
      case '-h':
      case '--help':
        return { ...opts, command: 'help' };
      case '-f':
      case '--filename':
        opts.files.push(value());
        break;
      case '--mesh-config':
      case '--meshConfigFile':
        opts.meshConfig = value();
        break;
      case '--mesh-networks':
        opts.meshNetworks = value();
        break;
      case '-o':
      case '--output': {
        const v = value().toLowerCase();
        if (v === 'log' || v === 'text') opts.output = 'text';
        else if (v === 'json' || v === 'yaml') opts.output = v;
        else throw new UsageError(`unsupported output format "${v}" (use log, json or yaml)`);
        break;
      }
      case '--output-threshold':
        opts.outputThreshold = levelArg(flag, value());
        break;
      case '--failure-threshold':
        opts.failureThreshold = levelArg(flag, value());
        break;
      case '-A':
      case '--all-namespaces':
        opts.allNamespaces = boolArg(flag, inline);
        break;
      case '-k':
      case '--use-kube':
        opts.useKube = boolArg(flag, inline);
        break;
      case '--context':
        opts.context = value();
        break;
      case '-n':
      case '--namespace':
        opts.namespace = value();
        break;
      case '--analyzer':
      case '--analyzers':
        opts.analyzers = [
          ...(opts.analyzers ?? []),
          ...value()
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        ];
        break;
      case '-L':
      case '--list-analyzers':
        opts.listAnalyzers = true;
        break;
      case '--no-default-resources':
        opts.defaultResources = false;
        break;
      case '-v':
      case '--verbose':
        opts.verbose = boolArg(flag, inline);
        break;
      default:
        throw new UsageError(`unknown flag: ${a}`);
    }
  }
  return opts;
}

const LEVELS: Record<string, FindingLevel> = { INFO: 'Info', WARNING: 'Warning', ERROR: 'Error' };

/** A level as istioctl's MessageThreshold reads it (case-insensitive). */
function levelArg(flag: string, v: string): FindingLevel {
  const l = LEVELS[v.toUpperCase()];
  if (!l) throw new UsageError(`${flag}: invalid level "${v}" (use Info, Warning or Error)`);
  return l;
}

/** A boolean flag, as cobra reads one: bare means true, --flag=false/true/0/1. */
function boolArg(flag: string, inline: string | undefined): boolean {
  if (inline === undefined) return true;
  const v = inline.toLowerCase();
  if (v === 'true' || v === '1' || v === 't') return true;
  if (v === 'false' || v === '0' || v === 'f') return false;
  throw new UsageError(`${flag}: invalid boolean "${inline}"`);
}

/** Is `level` at `threshold` or worse (Error < Warning < Info in LEVEL_ORDER)? */
export function atLeast(level: FindingLevel, threshold: FindingLevel): boolean {
  return LEVEL_ORDER[level] <= LEVEL_ORDER[threshold];
}

/* ---- reading files ---- */

/** One input file: its text, parsed with positions only where a position is needed. */
export class SourceFile {
  private chunks?: Array<{ text: string; line: number }>;
  private readonly docs = new Map<number, { doc: ParsedDocument; lineCounter: ParseResult['lineCounter']; line: number } | null>();
  constructor(
    readonly file: string,
    readonly text: string,
    private parsed?: ParseResult,
    /** Set when block-yaml.ts read the file: it places documents and fields itself, without the yaml package. */
    private readonly block?: BlockYamlFile,
  ) {}

  /**
   * The text between document markers ("---" or "..." at the start of a line, which YAML
   * allows nowhere else), with the line each piece starts on, skipping pieces that hold
   * only comments and blank lines.
   */
  private pieces(): Array<{ text: string; line: number }> {
    if (this.chunks) return this.chunks;
    const out: Array<{ text: string; line: number }> = [];
    const lines = this.text.split('\n');
    let start = 0;
    const flush = (end: number) => {
      const body = lines.slice(start, end);
      if (body.some((l, i) => !(i === 0 && /^(---|\.\.\.)\s*(#.*)?$/.test(l)) && !/^\s*(#.*)?$/.test(l) && !/^%/.test(l)))
        out.push({ text: body.join('\n'), line: start + 1 });
    };
    for (let i = 0; i < lines.length; i++) {
      if (i > start && /^(---|\.\.\.)(\s|$)/.test(lines[i]!)) {
        flush(i);
        start = i;
      }
    }
    flush(lines.length);
    return (this.chunks = out);
  }

  /** The index-th non-empty document with positions: only that document is parsed again (the whole file when pieces and documents disagree). */
  private document(index: number): { doc: ParsedDocument; lineCounter: ParseResult['lineCounter']; line: number } | undefined {
    if (this.docs.has(index)) return this.docs.get(index) ?? undefined;
    let found: { doc: ParsedDocument; lineCounter: ParseResult['lineCounter']; line: number } | undefined;
    if (!this.parsed) {
      const piece = this.pieces()[index];
      const parsed = piece ? parseYamlDocuments(piece.text) : undefined;
      const docs = parsed ? nonEmptyDocuments(parsed) : [];
      if (piece && parsed && !parsed.errors.length && docs.length === 1) found = { doc: docs[0]!, lineCounter: parsed.lineCounter, line: piece.line - 1 };
      else this.parsed = parseYamlDocuments(this.text);
    }
    if (!found && this.parsed) {
      const d = nonEmptyDocuments(this.parsed)[index];
      if (d) found = { doc: d, lineCounter: this.parsed.lineCounter, line: 0 };
    }
    this.docs.set(index, found ?? null);
    return found;
  }

  /** "line:column" of the index-th document, or of `path` inside it when that resolves. */
  position(index: number, path?: string): { line: number; column: number } {
    if (this.block) return this.block.position(index, path);
    const d = this.document(index);
    if (!d) return { line: 1, column: 1 };
    const r = path ? rangeOfPath(d.doc.doc, d.lineCounter, path) : undefined;
    if (r?.startLine) return { line: r.startLine + d.line, column: r.startColumn };
    return { line: d.doc.range.startLine + d.line, column: d.doc.range.startColumn };
  }
}

export interface SourceDoc {
  file: string;
  source: SourceFile;
  /** Index among the file's non-empty documents. */
  index: number;
}

// Anchors and aliases: left to the yaml package, which limits alias expansion.
const ANCHOR_OR_ALIAS = /(?:^|[\s[{,])[&*][^\s,[\]{}]/m;

/**
 * js-yaml's core schema, with its float pattern tried only on plain scalars that can be
 * floats (a sign, a dot or a digit first): the same values, without a regular expression
 * per name and label.
 */
const FLOAT_START = /^[-+.0-9]/;
type SchemaType = Type & { tag: string; options: ConstructorParameters<typeof Type>[1]; resolve: (data: string) => boolean };
const CORE_IMPLICIT = (CORE_SCHEMA as unknown as { implicit: SchemaType[] }).implicit;
const FAST_CORE_IMPLICIT = CORE_IMPLICIT.map((t) =>
  t.tag === 'tag:yaml.org,2002:float'
    ? new Type(t.tag, { ...t.options, resolve: (data: string) => data !== null && FLOAT_START.test(data) && t.resolve(data) })
    : t,
) as SchemaType[];
const FAST_CORE_SCHEMA = FAILSAFE_SCHEMA.extend({ implicit: FAST_CORE_IMPLICIT });

/**
 * The values of every non-empty document, read fast (the block YAML of manifests by
 * block-yaml.ts, else js-yaml, YAML 1.2 core schema as
 * the yaml package reads it, no positions), or undefined when that reader refuses the
 * text or the text uses anchors: the caller then parses with positions, which also words
 * the errors.
 */
function fastValues(text: string): { values: unknown[]; block?: BlockYamlFile } | undefined {
  const block = readBlockYamlFile(text, FAST_CORE_IMPLICIT);
  if (block) return { values: block.values, block };
  if (ANCHOR_OR_ALIAS.test(text)) return undefined;
  try {
    return { values: loadAllYaml(text, undefined, { schema: FAST_CORE_SCHEMA }).filter((v) => v !== null && v !== undefined) };
  } catch {
    return undefined;
  }
}

export interface LoadedInput {
  objects: K8sObject[];
  /** Where each object came from (for file:line in text output). */
  sources: Map<K8sObject, SourceDoc>;
  files: string[];
  warnings: string[];
}

// The extensions istioctl analyze reads in a folder.
const MANIFEST_EXT = /\.(ya?ml|json)$/i;
const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
const SKIP_DIRS = new Set(['.git', 'node_modules', '.github']);
export const CLUSTER_SCOPED = new Set([
  'Namespace',
  'Node',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleBinding',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'PersistentVolume',
  'StorageClass',
  'PriorityClass',
  'APIService',
  'IngressClass',
  'GatewayClass',
]);

function kustomizationIn(dir: string): string | undefined {
  for (const f of KUSTOMIZATION_FILES) {
    const p = path.join(dir, f);
    if (existsSync(p)) return p;
  }
  return undefined;
}

interface Walk {
  /** file -> namespace override from an enclosing kustomization (undefined: none) */
  files: Map<string, string | undefined>;
  seen: Set<string>;
  errors: string[];
  warnings: string[];
}

function display(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith('..') ? rel : p;
}

function addFile(w: Walk, file: string, ns: string | undefined): void {
  let real: string;
  try {
    real = realpathSync(file);
  } catch {
    real = file;
  }
  if (w.seen.has(real)) return;
  w.seen.add(real);
  w.files.set(file, ns);
}

function walkKustomization(w: Walk, kfile: string, ns: string | undefined, depth: number): void {
  const dir = path.dirname(kfile);
  let k: Record<string, unknown>;
  try {
    const parsed = parseYamlDocuments(readFileSync(kfile, 'utf8'));
    if (parsed.errors.length) {
      for (const e of parsed.errors) w.errors.push(`${display(kfile)}:${e.line}:${e.column}: ${e.message}`);
      return;
    }
    k = (nonEmptyDocuments(parsed)[0]?.value ?? {}) as Record<string, unknown>;
  } catch (e) {
    w.errors.push(`${display(kfile)}: cannot read: ${(e as Error).message}`);
    return;
  }
  // An overlay's namespace wins over its bases' (kustomize applies the outermost last).
  const namespace = ns ?? (typeof k.namespace === 'string' && k.namespace ? k.namespace : undefined);
  const entries: unknown[] = [
    ...(Array.isArray(k.resources) ? k.resources : []),
    ...(Array.isArray(k.bases) ? k.bases : []),
    ...(Array.isArray(k.components) ? k.components : []),
  ];
  for (const e of entries) {
    if (typeof e !== 'string') continue;
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(e) || e.startsWith('git@') || /^github\.com\//.test(e)) {
      w.warnings.push(`${display(kfile)}: skipping remote resource ${e}`);
      continue;
    }
    const p = path.resolve(dir, e);
    if (!existsSync(p)) {
      w.errors.push(`${display(kfile)}: resource ${e} does not exist`);
      continue;
    }
    walkPath(w, p, namespace, depth + 1);
  }
}

function walkPath(w: Walk, p: string, ns: string | undefined, depth = 0): void {
  if (depth > 50) {
    w.errors.push(`${display(p)}: folders nested too deeply (a kustomization cycle?)`);
    return;
  }
  let st;
  try {
    st = statSync(p);
  } catch (e) {
    w.errors.push(`${display(p)}: cannot read: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`);
    return;
  }
  if (st.isFile()) {
    if (KUSTOMIZATION_FILES.includes(path.basename(p))) walkKustomization(w, p, ns, depth);
    else addFile(w, p, ns);
    return;
  }
  if (!st.isDirectory()) return;
  const k = kustomizationIn(p);
  if (k) {
    let real = k;
    try {
      real = realpathSync(k);
    } catch {
      /* keep */
    }
    if (w.seen.has(real)) return;
    w.seen.add(real);
    walkKustomization(w, k, ns, depth);
    return;
  }
  let entries: string[];
  try {
    entries = readdirSync(p).sort();
  } catch (e) {
    w.errors.push(`${display(p)}: cannot read: ${(e as Error).message}`);
    return;
  }
  for (const name of entries) {
    if (name.startsWith('.') || SKIP_DIRS.has(name)) continue;
    const child = path.join(p, name);
    let cst;
    try {
      cst = statSync(child);
    } catch {
      continue;
    }
    if (cst.isDirectory()) walkPath(w, child, ns, depth + 1);
    else if (MANIFEST_EXT.test(name)) addFile(w, child, ns);
  }
}

function readStdin(): string {
  return readFileSync(0, 'utf8');
}

/** Read every input path; throws InputError listing every unreadable file and YAML error. */
export function loadInputs(paths: readonly string[]): LoadedInput {
  const w: Walk = { files: new Map(), seen: new Set(), errors: [], warnings: [] };
  const texts = new Map<string, string>();
  for (const p of paths) {
    if (p === '-') {
      texts.set('<stdin>', readStdin());
      w.files.set('<stdin>', undefined);
      continue;
    }
    walkPath(w, path.resolve(p), undefined);
  }
  const objects: K8sObject[] = [];
  const sources = new Map<K8sObject, SourceDoc>();
  for (const [file, ns] of w.files) {
    const fileName = display(file);
    let text = texts.get(file);
    if (text === undefined) {
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        w.errors.push(`${fileName}: cannot read: ${(e as Error).message}`);
        continue;
      }
    }
    const fast = fastValues(text);
    let values: unknown[];
    let source: SourceFile;
    if (fast) {
      values = fast.values;
      source = new SourceFile(fileName, text, undefined, fast.block);
    } else {
      const parsed = parseYamlDocuments(text);
      if (parsed.errors.length) {
        for (const e of parsed.errors) w.errors.push(`${fileName}:${e.line}:${e.column}: ${e.message}`);
        continue;
      }
      source = new SourceFile(fileName, text, parsed);
      values = nonEmptyDocuments(parsed).map((d) => d.value);
    }
    const at = (index: number) => {
      const p = source.position(index);
      return `${p.line}:${p.column}`;
    };
    for (let index = 0; index < values.length; index++) {
      const v = values[index];
      if (!v || typeof v !== 'object' || Array.isArray(v)) {
        w.warnings.push(`${fileName}:${at(index)}: skipping a document that is not a Kubernetes object`);
        continue;
      }
      const rec = v as Record<string, unknown>;
      if (typeof rec.apiVersion !== 'string' || typeof rec.kind !== 'string') {
        // kustomize configuration, Helm values and the like: not resources.
        continue;
      }
      for (const o of normalizeObjects([v])) {
        if (ns && !CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = ns;
        objects.push(o);
        sources.set(o, { file: fileName, source, index });
      }
      if (!isK8sObject(v) && !(rec.kind as string).endsWith('List')) {
        w.errors.push(`${fileName}:${at(index)}: ${rec.kind} has no metadata.name`);
      }
    }
  }
  if (w.errors.length) throw new InputError(w.errors);
  return { objects, sources, files: [...w.files.keys()].map(display), warnings: w.warnings };
}

export function readYamlFile<T>(file: string, what: string): T {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError([`${display(file)}: cannot read ${what}: ${(e as Error).message}`]);
  }
  const parsed = parseYamlDocuments(text);
  if (parsed.errors.length) throw new InputError(parsed.errors.map((e) => `${display(file)}:${e.line}:${e.column}: ${e.message}`));
  return (nonEmptyDocuments(parsed)[0]?.value ?? {}) as T;
}

/** A mesh config file is MeshConfig YAML, or the istio ConfigMap whose data.mesh holds it. */
export function meshConfigFrom(value: unknown, key = 'mesh'): Record<string, unknown> {
  const v = (value ?? {}) as Record<string, unknown>;
  if (v.kind === 'ConfigMap' && v.data && typeof v.data === 'object') {
    const inner = (v.data as Record<string, unknown>)[key];
    return typeof inner === 'string' ? ((parseYaml(inner) ?? {}) as Record<string, unknown>) : {};
  }
  return v;
}

/** The istio ConfigMap among the inputs, as istiod would read it (root namespace, name istio). */
export function meshConfigMapIn(objects: readonly K8sObject[]): K8sObject | undefined {
  return objects.find(
    (o) => o.kind === 'ConfigMap' && o.apiVersion === 'v1' && o.metadata.name === 'istio' && (o.metadata.namespace ?? 'istio-system') === 'istio-system',
  );
}

/* ---- output ---- */

/** Where a finding is in the input files: " file:line" (the field's line when its path resolves), or "". */
export type Locator = (f: Finding) => string;

export function locatorFor(sources: Map<string, SourceDoc>): Locator {
  const memo = new Map<Finding, string>();
  return (f) => {
    let loc = memo.get(f);
    if (loc !== undefined) return loc;
    const s = sources.get(f.resource);
    // Positions are resolved only here, for findings that are reported: the file is parsed again, with positions.
    loc = s ? ` ${s.file}:${s.source.position(s.index, f.path).line}` : '';
    memo.set(f, loc);
    return loc;
  };
}

export function formatText(findings: readonly Finding[], locate: Locator, inputs: string): string {
  if (!findings.length) return `\u2714 No validation issues found when analyzing ${inputs}.\n`;
  return findings.map((f) => `${f.level} [${f.code}] (${f.resource}${locate(f)}) ${f.message}\n`).join('');
}

function plain(findings: readonly Finding[]): Finding[] {
  return findings.map((f) => {
    const o: Finding = { code: f.code, level: f.level, message: f.message, resource: f.resource };
    if (f.path) o.path = f.path;
    return o;
  });
}

export function formatJson(findings: readonly Finding[]): string {
  return JSON.stringify(plain(findings), null, 2) + '\n';
}

export function formatYaml(findings: readonly Finding[]): string {
  return findings.length ? toYaml(plain(findings)) : '[]\n';
}

/* ---- cluster ---- */

interface ClusterSnapshot {
  objects: K8sObject[];
  meshConfig?: MeshConfig;
  /** Kinds the context may not list, as AnalyzeOptions.unreadKinds spells them ("Secret", "group/Kind"). */
  unreadKinds?: string[];
  /** The context read and its namespace (kubeconfig), when the loader knows them. */
  context?: string;
  namespace?: string;
}

type SnapshotModule = { loadClusterResources?: (ctx?: string) => Promise<ClusterSnapshot> };

/** How to load lib/k8s/snapshot.ts; meshboard.mjs passes one that goes through tsx. */
export type SnapshotLoader = () => Promise<SnapshotModule>;

const defaultSnapshotLoader: SnapshotLoader = async () => {
  // lib/k8s is written separately and is only needed for --context.
  const spec = '../k8s/snapshot';
  return (await import(/* @vite-ignore */ spec)) as SnapshotModule;
};

function firstLine(e: unknown): string {
  const m = (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
  return m.length > 200 ? `${m.slice(0, 197)}...` : m;
}

async function loadCluster(context: string | undefined, load: SnapshotLoader): Promise<ClusterSnapshot> {
  let mod: SnapshotModule;
  try {
    mod = await load();
  } catch (e) {
    throw new InputError([`--context needs lib/k8s/snapshot.ts (loadClusterResources), which is not available: ${firstLine(e)}`]);
  }
  if (typeof mod.loadClusterResources !== 'function')
    throw new InputError(['--context: lib/k8s/snapshot.ts does not export loadClusterResources(contextName)']);
  try {
    return await mod.loadClusterResources(context);
  } catch (e) {
    throw new InputError([`${context === undefined ? 'the current kubeconfig context' : `--context ${context}`}: cannot read the cluster: ${firstLine(e)}`]);
  }
}

/* ---- main ---- */

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

const defaultIo: Io = { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) };

export async function main(argv: readonly string[], io: Io = defaultIo, loadSnapshot: SnapshotLoader = defaultSnapshotLoader): Promise<number> {
  let opts: CliOptions;
  try {
    opts = parseArgs(argv);
  } catch (e) {
    io.stderr(`meshboard: ${(e as Error).message}\nRun "meshboard analyze --help" for usage.\n`);
    return 2;
  }
  if (opts.command === 'help') {
    io.stdout(USAGE);
    return 0;
  }
  if (opts.listAnalyzers) {
    for (const a of ANALYZERS) io.stdout(`${a.name}${a.optIn ? ' (opt-in)' : ''}\t${a.codes.join(',')}\t${a.description}\n`);
    return 0;
  }
  try {
    if (opts.analyzers) resolveAnalyzers(opts.analyzers);
    // As istioctl: the live cluster unless told otherwise; with files, Meshboard reads files only unless asked.
    const live = opts.context !== undefined || (opts.useKube ?? !opts.files.length);
    if (!opts.files.length && !live) throw new UsageError('nothing to analyze: give files or folders with -f, or a cluster with --context');
    if (opts.allNamespaces && opts.namespace) throw new UsageError('-A/--all-namespaces and -n/--namespace exclude each other');
    const input = opts.files.length ? loadInputs(opts.files) : { objects: [], sources: new Map(), files: [], warnings: [] };
    for (const wmsg of input.warnings) io.stderr(`warning: ${wmsg}\n`);
    let objects = input.objects;
    if (opts.namespace) for (const o of objects) if (!o.metadata.namespace && !CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = opts.namespace;
    let meshConfig: MeshConfig | undefined = opts.meshConfig ? (meshConfigFrom(readYamlFile(opts.meshConfig, 'mesh config')) as MeshConfig) : undefined;
    const meshNetworks = opts.meshNetworks ? (meshConfigFrom(readYamlFile(opts.meshNetworks, 'mesh networks'), 'meshNetworks') as MeshNetworks) : undefined;
    let namespace = opts.allNamespaces ? undefined : opts.namespace;
    let contextName = opts.context;
    // Files hold Secrets seldom (they live outside Git): without any, the analyzers that look
    // secrets up are skipped, as istioctl skips them without a cluster.
    let unreadKinds: string[] = live || objects.some((o) => o.kind === 'Secret' && o.apiVersion === 'v1') ? [] : ['Secret'];
    let unreadWhy = 'the files hold no Secret';
    if (live) {
      const cluster = await loadCluster(opts.context, loadSnapshot);
      contextName = cluster.context ?? opts.context;
      unreadKinds = cluster.unreadKinds ?? [];
      if (unreadKinds.length) {
        io.stderr(
          `warning: ${contextName ? `context ${contextName}` : 'this context'} may not list ${unreadKinds.join(', ')}: findings that need them are missing\n`,
        );
      }
      unreadWhy = 'the context may not list them';
      if (!opts.allNamespaces) {
        namespace ??= cluster.namespace || 'default';
        if (!cluster.objects.some((o) => o.kind === 'Namespace' && o.metadata.name === namespace)) {
          // istioctl says so and exits 0.
          io.stderr(`namespace ${JSON.stringify(namespace)} not found\n`);
          return 0;
        }
      }
      const fromFiles = new Set(objects.map((o) => `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`));
      objects = [...cluster.objects.filter((o) => !fromFiles.has(`${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`)), ...objects];
      meshConfig ??= cluster.meshConfig;
    }
    if (!meshConfig) {
      const cm = meshConfigMapIn(objects);
      if (cm) meshConfig = meshConfigFrom(cm) as MeshConfig;
    }
    const sources = new Map<string, SourceDoc>();
    for (const [o, s] of input.sources) {
      const n = friendlyName(o);
      if (!sources.has(n)) sources.set(n, s);
    }
    const locate = locatorFor(sources);
    let findings = analyze(objects, {
      meshConfig,
      meshNetworks,
      analyzers: opts.analyzers,
      defaultResources: opts.defaultResources && !live,
      // istioctl's rule: the same printed line is one message (file:line included when there is one).
      dedupeKey: locate,
      unreadKinds,
      // Said when asked (-v), or when the analyzer was named (--analyzer) and still did not run.
      onSkip: (name, kinds) => {
        if (opts.verbose || opts.analyzers) io.stderr(`skipped ${name}: it needs ${kinds.join(', ')}, and ${unreadWhy}\n`);
      },
    });
    if (namespace !== undefined) findings = findings.filter((f) => inNamespace(f, namespace));
    const what = live
      ? `${opts.allNamespaces || namespace === undefined ? 'all namespaces' : `namespace: ${namespace}`}${contextName ? ` (context ${contextName})` : ''}`
      : input.files.length === 1
        ? (input.files[0] as string)
        : `${input.files.length} files`;
    const shown = findings.filter((f) => atLeast(f.level, opts.outputThreshold));
    io.stdout(opts.output === 'json' ? formatJson(shown) : opts.output === 'yaml' ? formatYaml(shown) : formatText(shown, locate, what));
    return findings.some((f) => atLeast(f.level, opts.failureThreshold)) ? 1 : 0;
  } catch (e) {
    if (e instanceof InputError) {
      io.stderr(e.lines.map((l) => `${l}\n`).join(''));
      return 2;
    }
    if (e instanceof UsageError || e instanceof UnknownAnalyzerError) {
      io.stderr(`meshboard: ${e.message}\nRun "meshboard analyze --help" for usage.\n`);
      return 2;
    }
    throw e;
  }
}

/** istioctl's namespace filter: findings on resources of other namespaces go; cluster-scoped ones stay. */
function inNamespace(f: Finding, namespace: string): boolean {
  const r = parseResourceName(f.resource);
  return !r?.namespace || r.namespace === namespace;
}
