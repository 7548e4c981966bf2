/**
 * Schema validation analyzers, one per Istio kind as istioctl registers them
 * ("schema.ValidationAnalyzer.VirtualService", ...): IST0106 for schema errors (from the
 * CRD's structural schema, see lib/istio/schema), IST0133 for warnings, and for
 * VirtualServices the unreachable-rule analysis of Istio's validation (IST0130, IST0131).
 */
import type { Finding } from '../../findings';
import { isIstioGroup, ISTIO_KINDS } from '../../kinds';
import type { K8sObject } from '../../types';
import { bundledSchemas } from '../../schema/bundled';
import { validateObject } from '../../schema/validate';
import { asArray, asRecord, groupOf, specOf, str, type AnalysisContext } from '../context';
import type { Analyzer } from '../types';

function schemaFindings(ctx: AnalysisContext, objs: readonly K8sObject[]): Finding[] {
  const schemas = ctx.schemas ?? bundledSchemas();
  const out: Finding[] = [];
  for (const o of objs) {
    for (const e of validateObject(ctx.original(o), schemas)) {
      const code = e.severity === 'warning' ? 'IST0133' : 'IST0106';
      const where = e.path ? `${e.path}: ` : '';
      out.push(ctx.finding(code, o, [`${where}${e.message}`], e.path || undefined));
    }
  }
  return out;
}

/** JSON with sorted keys and proto3 defaults (false, 0, "", empty maps/lists) left out. */
export function canonicalJson(v: unknown): string {
  const norm = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(norm);
    if (x && typeof x === 'object') {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(x as object).sort()) {
        const n = norm((x as Record<string, unknown>)[k]);
        if (n === undefined || n === null || n === false || n === '' || n === 0) continue;
        if (typeof n === 'object' && Object.keys(n as object).length === 0) continue;
        out[k] = n;
      }
      return out;
    }
    return x;
  };
  return JSON.stringify(norm(v)) ?? '';
}

function withoutName(m: unknown): Record<string, unknown> {
  const { name: _n, ...rest } = asRecord(m);
  return rest;
}

/** A covers B when both match a URI prefix, B's extends A's, and every other condition of A is also in B. */
function prefixCovers(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const pa = asRecord(a.uri).prefix;
  const pb = asRecord(b.uri).prefix;
  if (typeof pa !== 'string' || typeof pb !== 'string' || !pb.startsWith(pa)) return false;
  if (Object.keys(asRecord(a.uri)).length !== 1 || Object.keys(asRecord(b.uri)).length !== 1) return false;
  for (const k of Object.keys(a)) {
    if (k === 'uri') continue;
    if (canonicalJson(a[k]) !== canonicalJson(b[k])) return false;
  }
  return true;
}

export interface RouteRuleProblem {
  code: 'IST0130' | 'IST0131';
  args: unknown[];
  path: string;
}

/** Istio's analyzeUnreachable{HTTP,TCP,TLS}Rules: rules no request can reach, matches shadowed by earlier ones. */
export function unreachableRules(vs: K8sObject): RouteRuleProblem[] {
  const out: RouteRuleProblem[] = [];
  const spec = specOf(vs);
  for (const kind of ['http', 'tcp', 'tls'] as const) {
    const routes = asArray(spec[kind]).map(asRecord);
    const name = (r: Record<string, unknown>, n: number) => str(r.name) || `#${n}`;
    const seen = new Map<string, number>();
    const earlier: Array<{ m: Record<string, unknown>; rule: number }> = [];
    let emptyMatch = -1;
    routes.forEach((route, rulen) => {
      const matches = asArray(route.match);
      if (matches.length === 0) {
        if (emptyMatch >= 0)
          out.push({ code: 'IST0130', args: [name(route, rulen), 'only the last rule can have no matches'], path: `spec/${kind}[${rulen}]` });
        emptyMatch = rulen;
        return;
      }
      let duplicates = 0;
      matches.forEach((match, matchn) => {
        const m = withoutName(match);
        const key = canonicalJson(m);
        const dup = seen.get(key);
        const matchName = str(asRecord(match).name) || `#${matchn}`;
        if (dup !== undefined) {
          out.push({ code: 'IST0131', args: [name(route, rulen), matchName, name(routes[dup] ?? {}, dup)], path: `spec/${kind}[${rulen}]/match[${matchn}]` });
          duplicates++;
        } else {
          seen.set(key, rulen);
          if (kind === 'http') {
            const cover = earlier.find((e) => prefixCovers(e.m, m));
            if (cover)
              out.push({
                code: 'IST0131',
                args: [name(route, rulen), matchName, name(routes[cover.rule] ?? {}, cover.rule)],
                path: `spec/${kind}[${rulen}]/match[${matchn}]`,
              });
          }
        }
        earlier.push({ m, rule: rulen });
      });
      if (duplicates === matches.length)
        out.push({ code: 'IST0130', args: [name(route, rulen), 'all matches used by prior rules'], path: `spec/${kind}[${rulen}]` });
    });
  }
  return out;
}

function kindAnalyzer(kind: string, group: string): Analyzer {
  const isVs = kind === 'VirtualService';
  return {
    name: `schema.ValidationAnalyzer.${kind}`,
    aliases: isVs ? ['schemaValidation.CollectionValidationAnalyzer'] : undefined,
    description: `Runs schema validation as an analyzer on '${kind}' resources`,
    codes: isVs ? ['IST0106', 'IST0133', 'IST0130', 'IST0131'] : ['IST0106', 'IST0133'],
    run(ctx) {
      const objs = ctx.list(group, kind);
      const out = schemaFindings(ctx, objs);
      if (isVs) for (const vs of objs) for (const p of unreachableRules(vs)) out.push(ctx.finding(p.code, vs, p.args, p.path));
      return out;
    },
  };
}

const KNOWN = new Set(ISTIO_KINDS.map((k) => `${k.group}/${k.kind}`));

/** Objects in an Istio API group whose kind is not one Istio serves (a typo in `kind`, or a removed kind). */
export const unknownKindAnalyzer: Analyzer = {
  name: 'schema.ValidationAnalyzer.Other',
  description: 'Reports resources in Istio API groups whose kind is not served',
  codes: ['IST0106'],
  run(ctx) {
    const schemas = ctx.schemas ?? bundledSchemas();
    const objs = ctx.objects.filter((o) => {
      const g = groupOf(o);
      return isIstioGroup(g) && schemas.groups.has(g) && !KNOWN.has(`${g}/${o.kind}`);
    });
    return schemaFindings(ctx, objs);
  },
};

export const schemaAnalyzers: Analyzer[] = [...ISTIO_KINDS.map((k) => kindAnalyzer(k.kind, k.group)), unknownKindAnalyzer];
