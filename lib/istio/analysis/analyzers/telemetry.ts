/**
 * Telemetry analyzers, as istioctl defines them: access-log entries without a provider
 * (IST0157), selectors that match no pod (IST0101) or overlap (IST0159), several
 * selector-less Telemetries in a namespace (IST0160), and the removed Lightstep provider (IST0002).
 */
import type { Finding } from '../../findings';
import type { K8sObject } from '../../types';
import { asArray, asLabels, asRecord, nsOf, specOf, str } from '../context';
import type { Analyzer } from '../types';
import { defaultSelectorFindings, selectorFindings } from './selectors';

function telemetrySelector(o: K8sObject): Record<string, string> | undefined {
  const s = specOf(o).selector;
  if (s === undefined || s === null) return undefined;
  return asLabels(asRecord(s).matchLabels);
}

function hasTargetRef(o: K8sObject): boolean {
  const spec = specOf(o);
  return !!spec.targetRef || asArray(spec.targetRefs).length > 0;
}

export const telemetryProviderAnalyzer: Analyzer = {
  name: 'telemetry.ProviderAnalyzer',
  aliases: ['telemetry.ProdiverAnalyzer'],
  description: 'Validates that providers in telemetry resource is valid',
  codes: ['IST0157'],
  run(ctx) {
    const defaults = asArray(asRecord(ctx.meshConfig.defaultProviders).accessLogging);
    if (defaults.length > 0) return [];
    const out: Finding[] = [];
    for (const t of ctx.istio('Telemetry')) {
      asArray(specOf(t).accessLogging).forEach((l, i) => {
        const r = asRecord(l);
        if (r.disabled === true) return;
        if (asArray(r.providers).length === 0) {
          out.push(ctx.finding('IST0157', t, [t.metadata.name, nsOf(t)], `spec/accessLogging[${i}]`));
        }
      });
    }
    return out;
  },
};

export const telemetrySelectorAnalyzer: Analyzer = {
  name: 'telemetry.SelectorAnalyzer',
  description:
    "Validates that telemetries that define a selector match at least one pod, and that there aren't multiple telemetry resources that select overlapping pods",
  codes: ['IST0101', 'IST0159'],
  run(ctx) {
    // A Telemetry that targets a Gateway/Service by reference does not select pods.
    return selectorFindings(
      ctx,
      ctx.istio('Telemetry').filter((t) => !hasTargetRef(t)),
      {
        selector: telemetrySelector,
        selectorPath: 'spec/selector/matchLabels',
        notFoundCode: 'IST0101',
        conflictCode: 'IST0159',
      },
    );
  },
};

export const telemetryDefaultSelectorAnalyzer: Analyzer = {
  name: 'telemetry.DefaultSelectorAnalyzer',
  description: "Validates that there aren't multiple telemetry resources that have no selector",
  codes: ['IST0160'],
  run(ctx) {
    return defaultSelectorFindings(
      ctx,
      ctx.istio('Telemetry').filter((t) => telemetrySelector(t) === undefined && !hasTargetRef(t)),
      'IST0160',
    );
  },
};

export const lightstepAnalyzer: Analyzer = {
  name: 'telemetry.LightstepAnalyzer',
  description: 'Validates that lightstep provider is still used',
  codes: ['IST0002'],
  run(ctx) {
    const names = new Set<string>();
    for (const p of asArray(ctx.meshConfig.extensionProviders)) {
      const r = asRecord(p);
      if (r.lightstep !== undefined) names.add(str(r.name));
    }
    if (names.size === 0) return [];
    const out: Finding[] = [];
    for (const t of ctx.istio('Telemetry')) {
      asArray(specOf(t).tracing).forEach((tr, i) => {
        asArray(asRecord(tr).providers).forEach((p, j) => {
          const n = str(asRecord(p).name);
          if (names.has(n)) {
            out.push(
              ctx.finding(
                'IST0002',
                t,
                [`The Lightstep provider ${n} is deprecated, please migrate to OpenTelemetry provider.`],
                `spec/tracing[${i}]/providers[${j}]/name`,
              ),
            );
          }
        });
      });
    }
    return out;
  },
};

export const telemetryAnalyzers: Analyzer[] = [telemetryProviderAnalyzer, telemetrySelectorAnalyzer, telemetryDefaultSelectorAnalyzer, lightstepAnalyzer];
