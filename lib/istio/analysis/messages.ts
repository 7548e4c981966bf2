/**
 * The message catalogue: Istio's IST codes (istio-messages.gen.ts) plus Meshboard's own
 * MB codes, and a formatter for their Go-style templates. Every code here is listed in
 * CODES.md; keep the two in step.
 */
import type { FindingLevel } from '../findings';
import { IST_MESSAGES, type MessageType } from './istio-messages.gen';

export type { MessageType };

/** Meshboard's own checks (not in istioctl analyze). */
export const MB_MESSAGES: Readonly<Record<string, MessageType>> = {
  MB0001: { code: 'MB0001', name: 'RemovedApi', level: 'Error', template: '%s is no longer served by Istio (removed in %s); use %s instead.' },
  MB0002: { code: 'MB0002', name: 'RouteWeightsNotHundred', level: 'Warning', template: 'The weights of %s add up to %d, not 100; Istio scales them, which is rarely what was meant.' },
  MB0003: { code: 'MB0003', name: 'ConflictingMtls', level: 'Error', template: 'DestinationRule %s sets TLS mode %s for host %s, but PeerAuthentication %s requires %s for the workloads behind it; requests will fail.' },
  MB0004: { code: 'MB0004', name: 'GatewayHostClaimedTwice', level: 'Warning', template: 'The VirtualServices %s bind the same host %s to gateway %s; only one of them can be used reliably. Merge them into one.' },
  MB0005: { code: 'MB0005', name: 'PolicySelectorMatchesNoWorkload', level: 'Warning', template: 'The selector %s of this %s matches no workload in namespace %q.' },
  MB0006: { code: 'MB0006', name: 'DuplicateDestinationRule', level: 'Warning', template: 'DestinationRules %s all apply to host %s; only one of them takes effect.' },
  MB0007: { code: 'MB0007', name: 'SubsetNotReferenced', level: 'Info', template: 'Subset %q of host %s is not used by any VirtualService.' },
};

export const ALL_MESSAGES: Readonly<Record<string, MessageType>> = { ...IST_MESSAGES, ...MB_MESSAGES };

export function messageType(code: string): MessageType {
  const m = ALL_MESSAGES[code];
  if (!m) throw new Error(`unknown message code ${code}`);
  return m;
}

export function levelOf(code: string): FindingLevel {
  return messageType(code).level;
}

function goValue(v: unknown, verb: string): string {
  if (verb === 'q') {
    if (Array.isArray(v)) return `[${v.map((x) => JSON.stringify(String(x))).join(' ')}]`;
    return JSON.stringify(String(v ?? ''));
  }
  if (verb === 'd') return typeof v === 'number' ? String(Math.trunc(v)) : String(v ?? '');
  if (Array.isArray(v)) return `[${v.map((x) => goValue(x, 'v')).join(' ')}]`;
  if (v === undefined || v === null) return '<nil>';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Format a Go-style template (%s %v %q %d, %% for a percent sign). */
export function formatTemplate(template: string, args: readonly unknown[]): string {
  let i = 0;
  return template.replace(/%([svqd%])/g, (_m, verb: string) => {
    if (verb === '%') return '%';
    const v = args[i++];
    return goValue(v, verb);
  });
}

export function formatMessage(code: string, args: readonly unknown[]): string {
  return formatTemplate(messageType(code).template, args);
}
