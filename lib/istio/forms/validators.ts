/**
 * Shared validators for the form schemas: addresses and CIDR blocks (IPv4 and IPv6),
 * DNS-1123 names, host names (with "*.example.com" wildcards), ports, durations and
 * weights. Each check returns a message in words, or undefined when the value is
 * fine, so the same rule gives the same sentence in every form. Pure.
 */
import { z } from 'zod';
import { DNS1123_LABEL } from '../names';

/* ---- addresses ---- */

/** Dotted IPv4 ("10.0.0.1"): four numbers 0..255, no leading zeros. */
export function isIPv4(s: string): boolean {
  const parts = s.split('.');
  if (parts.length !== 4) return false;
  return parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

/** IPv6 in any RFC 4291 text form ("2001:db8::1", "::", "::ffff:10.0.0.1"); zone ids are refused. */
export function isIPv6(s: string): boolean {
  if (!s.includes(':') || s.includes('%')) return false;
  let text = s;
  let extraGroups = 0;
  // An embedded IPv4 address counts as two groups and may only end the address.
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    if (!isIPv4(tail)) return false;
    text = text.slice(0, lastColon + 1) + '0';
    extraGroups = 1;
  }
  const doubles = text.split('::').length - 1;
  if (doubles > 1) return false;
  const group = /^[0-9a-fA-F]{1,4}$/;
  if (doubles === 1) {
    const [head = '', rest = ''] = text.split('::');
    const a = head ? head.split(':') : [];
    const b = rest ? rest.split(':') : [];
    if (![...a, ...b].every((g) => group.test(g))) return false;
    return a.length + b.length + extraGroups <= 7;
  }
  const groups = text.split(':');
  return groups.length + extraGroups === 8 && groups.every((g) => group.test(g));
}

export function isIP(s: string): boolean {
  return isIPv4(s) || isIPv6(s);
}

/** Why `s` is not a CIDR block ("10.0.0.0/8", "2001:db8::/32"), or undefined if it is one. */
export function cidrProblem(s: string): string | undefined {
  const v = s.trim();
  if (!v) return 'Enter an address block such as 10.0.0.0/24';
  const slash = v.indexOf('/');
  if (slash < 0) return `"${v}" has no prefix length: write it as an address block such as ${isIPv6(v) ? `${v}/128` : `${v}/32`}`;
  const addr = v.slice(0, slash);
  const prefix = v.slice(slash + 1);
  const v4 = isIPv4(addr);
  const v6 = !v4 && isIPv6(addr);
  if (!v4 && !v6) return `"${addr}" is not an IPv4 or IPv6 address`;
  const max = v4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) {
    return `"${v}": the prefix length after "/" must be a whole number from 0 to ${max} for an ${v4 ? 'IPv4' : 'IPv6'} address`;
  }
  return undefined;
}

/** Why `s` is neither an IP address nor a CIDR block, or undefined. */
export function addressProblem(s: string): string | undefined {
  const v = s.trim();
  if (!v) return 'Enter an IP address or an address block such as 10.0.0.0/24';
  if (v.includes('/')) return cidrProblem(v);
  if (isIP(v)) return undefined;
  return `"${v}" is not an IP address or an address block (such as 10.0.0.1 or 10.0.0.0/24)`;
}

/* ---- names ---- */

/** Kubernetes object and port names: lowercase letters, digits and "-", at most 63 characters. */
export function dns1123LabelProblem(s: string, what = 'name'): string | undefined {
  if (!s) return `Enter a ${what}`;
  if (s.length > 63) return `The ${what} "${s}" is longer than 63 characters`;
  if (!DNS1123_LABEL.test(s)) {
    return `The ${what} "${s}" may only contain lowercase letters, digits and "-", and must start and end with a letter or digit`;
  }
  return undefined;
}

/** Names such as resource names: DNS-1123 labels separated by dots, at most 253 characters. */
export function dns1123SubdomainProblem(s: string, what = 'name'): string | undefined {
  if (!s) return `Enter a ${what}`;
  if (s.length > 253) return `The ${what} "${s}" is longer than 253 characters`;
  if (!s.split('.').every((l) => l.length <= 63 && DNS1123_LABEL.test(l))) {
    return `The ${what} "${s}" may only contain lowercase letters, digits, "-" and ".", and each part must start and end with a letter or digit`;
  }
  return undefined;
}

export interface HostRules {
  /** Accept "*.example.com" (default true). */
  wildcard?: boolean;
  /** Accept a lone "*" (only meaningful on gateways; default false). */
  star?: boolean;
}

/** Why `s` is not a usable host name ("api.example.com", "*.example.com", "reviews"), or undefined. */
export function hostProblem(s: string, rules: HostRules = {}): string | undefined {
  const { wildcard = true, star = false } = rules;
  const v = s.trim();
  if (!v) return 'Enter a host name';
  if (v !== s) return `The host name "${s}" has spaces around it`;
  if (v === '*') return star ? undefined : 'A host name cannot be just "*"; name the host, or use a wildcard such as *.example.com';
  let rest = v;
  if (v.startsWith('*')) {
    if (!wildcard) return `"${v}": wildcard host names are not allowed here`;
    if (!v.startsWith('*.')) return `"${v}": a wildcard must be the whole first part, as in *.example.com`;
    rest = v.slice(2);
  }
  if (rest.includes('*')) return `"${v}": "*" may only be used as the first part of a host name, as in *.example.com`;
  if (rest !== rest.toLowerCase()) return `"${v}": write host names in lowercase`;
  if (rest.length > 253) return `"${v}" is longer than 253 characters`;
  if (rest.endsWith('.')) return `"${v}": remove the trailing dot`;
  const labels = rest.split('.');
  for (const l of labels) {
    if (!l) return `"${v}" has an empty part between dots`;
    if (l.length > 63) return `"${v}": each part between dots must be at most 63 characters`;
    if (!DNS1123_LABEL.test(l)) return `"${v}": host names may only contain letters, digits, "-" and "." (each part must start and end with a letter or digit)`;
  }
  return undefined;
}

/* ---- numbers and durations ---- */

export function portProblem(n: unknown, what = 'port'): string | undefined {
  if (typeof n !== 'number' || Number.isNaN(n)) return `Enter a ${what} number`;
  if (!Number.isInteger(n) || n < 1 || n > 65535) return `The ${what} must be a whole number from 1 to 65535`;
  return undefined;
}

const DURATION_UNITS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, µs: 0.001, ns: 0.000001 };

/**
 * Milliseconds in a Go-style duration ("5s", "250ms", "1m30s", "1.5s"), the format the
 * Istio CRDs check with CEL duration(); undefined if it is not one.
 */
export function parseDurationMs(s: string): number | undefined {
  const v = s.trim();
  if (!v || !/^((\d+(\.\d+)?|\.\d+)(h|ms|m|s|us|µs|ns))+$/.test(v)) return undefined;
  let total = 0;
  const re = /(\d+(?:\.\d+)?|\.\d+)(h|ms|m|s|us|µs|ns)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(v))) total += Number(m[1]) * (DURATION_UNITS[m[2] as string] ?? 0);
  return total;
}

export function durationProblem(s: string, what = 'duration'): string | undefined {
  const ms = parseDurationMs(s);
  if (ms === undefined) return `The ${what} "${s}" is not a duration: write a number with a unit, such as 5s, 250ms or 1m`;
  if (ms < 1) return `The ${what} must be at least 1ms`;
  return undefined;
}

export function percentProblem(n: unknown, what = 'percentage'): string | undefined {
  if (typeof n !== 'number' || Number.isNaN(n)) return `Enter a ${what}`;
  if (n < 0 || n > 100) return `The ${what} must be between 0 and 100`;
  return undefined;
}

/** Route weights: whole numbers 0..100 that add up to exactly 100. */
export function weightsProblem(weights: readonly number[]): string | undefined {
  if (weights.some((w) => !Number.isInteger(w) || w < 0 || w > 100)) return 'Each weight must be a whole number from 0 to 100';
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum !== 100) return `The weights must add up to 100; they add up to ${sum} now`;
  return undefined;
}

/** Label keys ("app", "example.com/tier") and values as Kubernetes accepts them. */
export function labelKeyProblem(k: string): string | undefined {
  if (!k) return 'Enter a label key';
  const i = k.indexOf('/');
  const prefix = i >= 0 ? k.slice(0, i) : undefined;
  const name = i >= 0 ? k.slice(i + 1) : k;
  if (prefix !== undefined && dns1123SubdomainProblem(prefix)) return `The label key prefix "${prefix}" must be a DNS name such as example.com`;
  if (!name || name.length > 63 || !/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(name)) {
    return `The label key "${k}" must be at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit`;
  }
  return undefined;
}

export function labelValueProblem(v: string): string | undefined {
  if (v === '') return undefined;
  if (v.length > 63 || !/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(v)) {
    return `The label value "${v}" must be at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit`;
  }
  return undefined;
}

/* ---- zod building blocks ---- */

type Check = (v: string) => string | undefined;

/** A string field checked by `check`; the message of the check becomes the field's error. */
export function checkedString(check: Check) {
  return z.string().superRefine((v, ctx) => {
    const problem = check(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}

export const hostSchema = (rules?: HostRules) => checkedString((v) => hostProblem(v, rules));
export const cidrSchema = checkedString(cidrProblem);
export const addressSchema = checkedString(addressProblem);
export const dnsLabelSchema = (what = 'name') => checkedString((v) => dns1123LabelProblem(v, what));
export const resourceNameSchema = (what = 'name') => checkedString((v) => dns1123SubdomainProblem(v, what));
export const durationSchema = (what = 'duration') => checkedString((v) => durationProblem(v, what));

export const portSchema = (what = 'port') =>
  z.number({ error: `Enter a ${what} number` }).superRefine((n, ctx) => {
    const problem = portProblem(n, what);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const percentSchema = (what = 'percentage') =>
  z.number({ error: `Enter a ${what}` }).superRefine((n, ctx) => {
    const problem = percentProblem(n, what);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const labelsSchema = z.record(z.string(), z.string()).superRefine((labels, ctx) => {
  for (const [k, v] of Object.entries(labels)) {
    const problem = labelKeyProblem(k) ?? labelValueProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: [k] });
  }
});

/** Report the first duplicate among `values` at `path[index]`. */
export function addDuplicateIssues(ctx: z.RefinementCtx, values: readonly string[], path: (string | number)[], describe: (v: string) => string): void {
  const seen = new Set<string>();
  values.forEach((v, i) => {
    if (seen.has(v)) ctx.addIssue({ code: 'custom', path: [...path, i], message: describe(v) });
    seen.add(v);
  });
}

export { toFieldIssues, type FieldIssue } from './issues';
