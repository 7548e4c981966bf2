/**
 * Query parameters of GET /api/graph, validated the same way on server and client:
 *   namespaces=a,b            (optional; DNS labels)
 *   window=5m                 (optional; Prometheus range, default 5m, at most 30d)
 *   versionLabels=app:version,component:release   (optional; app/version label key pairs, in order)
 * Throws GraphQueryError on bad input. Pure. The graph page runs the same validators
 * on its URL, so a bad link parameter is ignored with a message instead of a 400.
 */
import { isDnsSubdomain } from '../names';
import { GraphQueryError, validateNamespace, validateWindow } from './observed';
import { DEFAULT_VERSION_LABELS } from './workloads';

export interface GraphParams {
  namespaces: string[];
  window: string;
  versionLabels: Array<[string, string]>;
}

const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/** A Kubernetes label key ("app", "app.kubernetes.io/version"): an optional DNS subdomain prefix and a name. */
export function isLabelKey(key: string): boolean {
  const slash = key.indexOf('/');
  if (slash < 0) return LABEL_NAME.test(key);
  return isDnsSubdomain(key.slice(0, slash)) && LABEL_NAME.test(key.slice(slash + 1));
}

/** "app:version,component:release" -> [["app", "version"], ["component", "release"]]. Throws GraphQueryError. */
export function parseVersionLabels(raw: string): Array<[string, string]> {
  return raw.split(',').map((pair) => {
    const [app, version, extra] = pair.split(':').map((s) => s.trim());
    if (!app || !version || extra !== undefined || !isLabelKey(app) || !isLabelKey(version)) {
      throw new GraphQueryError(`invalid versionLabels pair "${pair}": use appKey:versionKey`);
    }
    return [app, version] as [string, string];
  });
}

export function parseGraphParams(params: URLSearchParams | Record<string, string | undefined>): GraphParams {
  const get = (k: string) => (params instanceof URLSearchParams ? (params.get(k) ?? undefined) : params[k]);
  const namespaces = (get('namespaces') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(validateNamespace);
  const window = validateWindow(get('window')?.trim() || '5m');
  const vl = get('versionLabels');
  const versionLabels = vl ? parseVersionLabels(vl) : DEFAULT_VERSION_LABELS.map(([a, v]) => [a, v] as [string, string]);
  return { namespaces: [...new Set(namespaces)], window, versionLabels };
}
