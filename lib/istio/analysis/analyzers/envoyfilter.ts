/**
 * EnvoyFilter patch analyzer, as istioctl defines it: relative operations without a
 * priority (INSERT_BEFORE/AFTER, REPLACE, MERGE, REMOVE: IST0151, or IST0155 when a
 * filter patched elsewhere with a proxyVersion match is involved) and operations that
 * Envoy ignores for the chosen applyTo (IST0152, IST0153, IST0154).
 */
import type { Finding } from '../../findings';
import type { K8sObject } from '../../types';
import { asArray, asRecord, nsOf, specOf, str } from '../context';
import type { Analyzer } from '../types';

function byFullName(a: K8sObject, b: K8sObject): number {
  return nsOf(a).localeCompare(nsOf(b)) || a.metadata.name.localeCompare(b.metadata.name);
}

export const envoyPatchAnalyzer: Analyzer = {
  name: 'envoyfilter.EnvoyPatchAnalyzer',
  description: 'Checks an envoyFilters',
  codes: ['IST0151', 'IST0152', 'IST0153', 'IST0154', 'IST0155'],
  run(ctx) {
    const out: Finding[] = [];
    // Names of patched filters that carry a proxyVersion match, across all EnvoyFilters seen so far.
    const versioned: string[] = [];
    for (const ef of [...ctx.istio('EnvoyFilter')].sort(byFullName)) {
      const spec = specOf(ef);
      const priority = Number(spec.priority ?? 0);
      const patches = asArray(spec.configPatches);
      for (let index = 0; index < patches.length; index++) {
        const cp = asRecord(patches[index]);
        const patch = cp.patch;
        if (patch === undefined || patch === null) break;
        const pr = asRecord(patch);
        const match = asRecord(cp.match);
        const value = asRecord(pr.value);
        let instanceName = '';
        if (Object.keys(value).length) {
          if (value.name !== undefined) instanceName = JSON.stringify(value.name);
          else instanceName = str(asRecord(asRecord(asRecord(match.listener).filterChain).filter).name);
        }
        const op = str(pr.operation);
        const applyTo = str(cp.applyTo);
        const path = `spec/configPatches[${index}]`;
        const relative = () => {
          if (priority !== 0) return;
          const code = versioned.includes(instanceName) ? 'IST0155' : 'IST0151';
          out.push(ctx.finding(code, ef, [], path));
        };
        if (op === 'ADD') {
          if (applyTo === 'ROUTE_CONFIGURATION' || applyTo === 'HTTP_ROUTE') out.push(ctx.finding('IST0153', ef, [], path));
        } else if (op === 'REMOVE') {
          if (applyTo === 'ROUTE_CONFIGURATION' || applyTo === 'HTTP_ROUTE') out.push(ctx.finding('IST0154', ef, [], path));
          else relative();
        } else if (op === 'REPLACE') {
          if (applyTo !== 'NETWORK_FILTER' && applyTo !== 'HTTP_FILTER') out.push(ctx.finding('IST0152', ef, [], path));
          else relative();
        } else if (op === 'INSERT_BEFORE' || op === 'INSERT_AFTER' || op === 'MERGE') {
          relative();
        }
        if (str(asRecord(match.proxy).proxyVersion)) versioned.push(instanceName);
      }
    }
    return out;
  },
};

export const envoyFilterAnalyzers: Analyzer[] = [envoyPatchAnalyzer];
