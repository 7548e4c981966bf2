/** Label selectors, as Kubernetes and Istio evaluate them. Pure. */
import type { LabelSelector } from './types';

export type Labels = Record<string, string> | undefined;

/** matchLabels semantics: every pair present in `labels`. An empty selector matches everything. */
export function matchesLabels(selector: Labels, labels: Labels): boolean {
  if (!selector) return true;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector)) if (l[k] !== v) return false;
  return true;
}

export function matchesSelector(selector: LabelSelector | undefined, labels: Labels): boolean {
  if (!selector) return true;
  if (!matchesLabels(selector.matchLabels, labels)) return false;
  const l = labels ?? {};
  for (const req of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(l, req.key);
    const val = l[req.key];
    switch (req.operator) {
      case 'In':
        if (!has || !(req.values ?? []).includes(val as string)) return false;
        break;
      case 'NotIn':
        if (has && (req.values ?? []).includes(val as string)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

export function isEmptySelector(selector: Labels): boolean {
  return !selector || Object.keys(selector).length === 0;
}
