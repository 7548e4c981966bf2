/**
 * Options of an HTTP route shared by the expose and traffic-shifting forms: request
 * timeout, retries and fault injection. Schema pieces, reading them from a live route
 * and writing them onto one (absent option = field removed). Pure.
 */
import { z } from 'zod';
import type { HTTPFaultInjection, HTTPRetry, HTTPRoute } from '../types';
import { durationProblem, percentProblem } from './validators';

/** Envoy retry conditions Istio accepts in retryOn, besides HTTP status codes. */
export const RETRY_ON = [
  '5xx',
  'gateway-error',
  'reset',
  'reset-before-request',
  'connect-failure',
  'envoy-ratelimited',
  'retriable-4xx',
  'refused-stream',
  'retriable-status-codes',
  'retriable-headers',
  'http3-post-connect-failure',
  'cancelled',
  'deadline-exceeded',
  'internal',
  'resource-exhausted',
  'unavailable',
] as const;

function retryOnProblem(v: string): string | undefined {
  const parts = v.split(',').map((p) => p.trim());
  const bad = parts.filter((p) => !(RETRY_ON as readonly string[]).includes(p) && !/^[1-5]\d\d$/.test(p));
  if (bad.length)
    return `Unknown retry condition${bad.length > 1 ? 's' : ''} ${bad.map((b) => `"${b}"`).join(', ')}: use a comma-separated list such as 5xx,connect-failure,reset or HTTP status codes such as 503`;
  return undefined;
}

export const timeoutField = z
  .string()
  .optional()
  .superRefine((v, ctx) => {
    if (v === undefined || v === '') return;
    const p = durationProblem(v, 'timeout');
    if (p) ctx.addIssue({ code: 'custom', message: p });
  });

export const retriesField = z
  .object({
    /** Absent: Istio's default number of attempts. 0 turns retries off. */
    attempts: z.number({ error: 'Enter the number of retries' }).optional(),
    perTryTimeout: z.string().optional(),
    retryOn: z.string().optional(),
  })
  .superRefine((r, ctx) => {
    if (r.attempts !== undefined && (!Number.isInteger(r.attempts) || r.attempts < 0 || r.attempts > 100)) {
      ctx.addIssue({ code: 'custom', path: ['attempts'], message: 'Retries must be a whole number from 0 (no retries) to 100' });
    }
    if (r.perTryTimeout) {
      const p = durationProblem(r.perTryTimeout, 'time per try');
      if (p) ctx.addIssue({ code: 'custom', path: ['perTryTimeout'], message: p });
    }
    if (r.retryOn) {
      const p = retryOnProblem(r.retryOn);
      if (p) ctx.addIssue({ code: 'custom', path: ['retryOn'], message: p });
    }
  })
  .optional();

const percentField = (what: string) =>
  z.number({ error: `Enter the ${what}` }).superRefine((n, ctx) => {
    const p = percentProblem(n, what);
    if (p) ctx.addIssue({ code: 'custom', message: p });
  });

export const faultField = z
  .object({
    delay: z
      .object({ fixedDelay: z.string(), percentage: percentField('share of requests to delay').optional() })
      .superRefine((d, ctx) => {
        const p = durationProblem(d.fixedDelay, 'delay');
        if (p) ctx.addIssue({ code: 'custom', path: ['fixedDelay'], message: p });
      })
      .optional(),
    abort: z
      .object({ httpStatus: z.number({ error: 'Enter the HTTP status to return' }), percentage: percentField('share of requests to abort').optional() })
      .superRefine((a, ctx) => {
        if (!Number.isInteger(a.httpStatus) || a.httpStatus < 200 || a.httpStatus > 599) {
          ctx.addIssue({ code: 'custom', path: ['httpStatus'], message: 'The HTTP status must be a whole number from 200 to 599, such as 503' });
        }
      })
      .optional(),
  })
  .optional();

export type RetriesOption = z.infer<typeof retriesField>;
export type FaultOption = z.infer<typeof faultField>;

export interface RouteOptions {
  timeout?: string;
  retries?: RetriesOption;
  fault?: FaultOption;
}

export function readRouteOptions(route: HTTPRoute | undefined): RouteOptions {
  const out: RouteOptions = {};
  if (!route) return out;
  if (route.timeout) out.timeout = route.timeout;
  if (route.retries) {
    out.retries = {
      ...(route.retries.attempts !== undefined ? { attempts: route.retries.attempts } : {}),
      ...(route.retries.perTryTimeout ? { perTryTimeout: route.retries.perTryTimeout } : {}),
      ...(route.retries.retryOn ? { retryOn: route.retries.retryOn } : {}),
    };
  }
  const f = route.fault;
  if (f?.delay?.fixedDelay || f?.abort?.httpStatus !== undefined) {
    out.fault = {
      ...(f.delay?.fixedDelay
        ? { delay: { fixedDelay: f.delay.fixedDelay, ...(f.delay.percentage?.value !== undefined ? { percentage: f.delay.percentage.value } : {}) } }
        : {}),
      ...(f.abort?.httpStatus !== undefined
        ? { abort: { httpStatus: f.abort.httpStatus, ...(f.abort.percentage?.value !== undefined ? { percentage: f.abort.percentage.value } : {}) } }
        : {}),
    };
  }
  return out;
}

/**
 * Write the options the form owns onto `route` (mutating it). Fields of a live
 * retries / fault block the form does not show (backoff, retryRemoteLocalities, gRPC
 * status) are kept while the block stays.
 */
export function applyRouteOptions(route: HTTPRoute, opts: RouteOptions, owned: { fault: boolean }): void {
  if (opts.timeout) route.timeout = opts.timeout;
  else delete route.timeout;

  if (opts.retries) {
    const r: HTTPRetry & Record<string, unknown> = { ...(route.retries ?? {}) };
    if (opts.retries.attempts !== undefined) r.attempts = opts.retries.attempts;
    else delete r.attempts;
    if (opts.retries.perTryTimeout) r.perTryTimeout = opts.retries.perTryTimeout;
    else delete r.perTryTimeout;
    if (opts.retries.retryOn) r.retryOn = opts.retries.retryOn;
    else delete r.retryOn;
    route.retries = r;
  } else delete route.retries;

  if (!owned.fault) return;
  const f = opts.fault;
  const fault: HTTPFaultInjection = {};
  if (f?.delay) {
    fault.delay = { ...(route.fault?.delay ?? {}), fixedDelay: f.delay.fixedDelay };
    if (f.delay.percentage !== undefined) fault.delay.percentage = { value: f.delay.percentage };
    else delete fault.delay.percentage;
  }
  if (f?.abort) {
    fault.abort = { ...(route.fault?.abort ?? {}), httpStatus: f.abort.httpStatus };
    delete fault.abort.grpcStatus;
    if (f.abort.percentage !== undefined) fault.abort.percentage = { value: f.abort.percentage };
    else delete fault.abort.percentage;
  }
  if (fault.delay || fault.abort) route.fault = fault;
  else delete route.fault;
}
