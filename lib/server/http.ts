/**
 * HTTP plumbing shared by every route handler: error mapping to one JSON shape,
 * same-origin checks for mutations, JSON bodies with a size limit, host checks
 * against DNS rebinding. Server-only.
 */
import 'server-only';
import { ZodError, type ZodType } from 'zod';
import { ProposalError } from '../istio/review/proposal';
import { KubeApiError, reasonFor, type ApiErrorBody } from '../k8s/errors';
import { NoKubeconfigError, UnknownContextError } from '../k8s/kubeconfig';
import { ConflictError } from '../k8s/resources';
import { asPerson, SignInRequiredError, UntrustedProxyError } from './identity';
import { readOnly, SessionConfigError } from './session';

export const MAX_BODY_BYTES = 1024 * 1024;

export class HttpError extends Error {
  constructor(
    public readonly status: number,
    public readonly reason: string,
    message: string,
    public readonly causes: ApiErrorBody['causes'] = [],
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function json(data: unknown, init: ResponseInit = {}): Response {
  return new Response(JSON.stringify(data), {
    ...init,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...(init.headers ?? {}) },
  });
}

export function errorBody(e: unknown): ApiErrorBody {
  if (e instanceof ConflictError) return { ...e.toBody(), current: e.current };
  if (e instanceof KubeApiError) return e.toBody();
  if (e instanceof HttpError) return { status: e.status, reason: e.reason, message: e.message, ...(e.causes?.length ? { causes: e.causes } : {}) };
  if (e instanceof ZodError) {
    const causes = e.issues.map((i) => ({ field: i.path.join('.') || undefined, reason: 'FieldValueInvalid', message: i.message }));
    return {
      status: 400,
      reason: 'BadRequest',
      message: `Invalid request: ${causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message)).join('; ')}`,
      causes,
    };
  }
  if (e instanceof ProposalError) return { status: e.status, reason: reasonFor(e.status), message: e.message };
  if (e instanceof UnknownContextError) return { status: 400, reason: 'BadRequest', message: e.message };
  if (e instanceof SignInRequiredError) return { status: 401, reason: 'SignInRequired', message: e.message };
  if (e instanceof UntrustedProxyError) return { status: 403, reason: 'Forbidden', message: e.message };
  if (e instanceof SessionConfigError) return { status: 503, reason: 'ServiceUnavailable', message: e.message };
  // Only decoding what a client sent throws URIError (a malformed %-escape).
  if (e instanceof URIError) return { status: 400, reason: 'BadRequest', message: `Malformed percent-escape in the request: ${e.message}` };
  if (e instanceof NoKubeconfigError) return { status: 503, reason: 'ServiceUnavailable', message: e.message };
  console.error('[meshboard] unexpected error', e);
  return { status: 500, reason: 'InternalError', message: 'Internal error in Meshboard; see the server log.' };
}

export function errorResponse(e: unknown): Response {
  const body = errorBody(e);
  return json(body, { status: body.status });
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/**
 * Refuse requests whose Host is not one we serve: with the server on loopback, a
 * page on another site could otherwise rebind its own name to 127.0.0.1 and read
 * the cluster through us. MESHBOARD_ALLOWED_HOSTS adds names (comma-separated);
 * when bound to a non-loopback HOST without that list, any host is accepted.
 */
export function checkHost(req: Request): void {
  const host = (req.headers.get('host') ?? '').toLowerCase();
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0]!;
  const extra = (process.env.MESHBOARD_ALLOWED_HOSTS ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const bind = process.env.HOST ?? '127.0.0.1';
  if (LOOPBACK_HOSTS.has(name) || extra.includes(name) || extra.includes(host)) return;
  if (!LOOPBACK_HOSTS.has(bind) && !extra.length) return;
  throw new HttpError(403, 'Forbidden', `Host ${JSON.stringify(host)} is not allowed. Set MESHBOARD_ALLOWED_HOSTS to serve it.`);
}

/**
 * Mutations must come from our own pages: the Origin (or, failing that, Referer)
 * must equal this server's origin, and browsers must not mark the request
 * cross-site. Requests without any of these headers are refused too.
 */
export function checkSameOrigin(req: Request): void {
  const host = req.headers.get('host');
  const site = req.headers.get('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') throw new HttpError(403, 'Forbidden', `Cross-site request refused (Sec-Fetch-Site: ${site}).`);
  let origin = req.headers.get('origin');
  if (!origin && req.headers.get('referer')) {
    try {
      origin = new URL(req.headers.get('referer')!).origin;
    } catch {
      throw new HttpError(403, 'Forbidden', 'Malformed Referer header.');
    }
  }
  if (!origin || origin === 'null') throw new HttpError(403, 'Forbidden', 'Missing Origin header: changes are accepted only from Meshboard pages.');
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    throw new HttpError(403, 'Forbidden', `Malformed Origin header ${JSON.stringify(origin)}.`);
  }
  if (!host || originHost.toLowerCase() !== host.toLowerCase()) {
    throw new HttpError(403, 'Forbidden', `Cross-origin request refused: Origin ${origin} is not this server (${host ?? 'no Host'}).`);
  }
}

/** Read and parse a JSON body, enforcing the content type and size limit. */
export async function readJson<T>(req: Request, schema?: ZodType<T>, limit = MAX_BODY_BYTES): Promise<T> {
  const type = (req.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json')
    throw new HttpError(415, 'UnsupportedMediaType', `Content-Type must be application/json, got ${type ? JSON.stringify(type) : 'none'}.`);
  const declared = Number(req.headers.get('content-length') ?? '0');
  if (declared > limit) throw new HttpError(413, 'RequestEntityTooLarge', `Request body is ${declared} bytes; the limit is ${limit}.`);
  const reader = req.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (reader) {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel();
        throw new HttpError(413, 'RequestEntityTooLarge', `Request body exceeds the limit of ${limit} bytes.`);
      }
      chunks.push(value);
    }
  }
  const text = new TextDecoder().decode(Buffer.concat(chunks));
  if (!text.trim()) throw new HttpError(400, 'BadRequest', 'Request body is empty; expected a JSON object.');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new HttpError(400, 'BadRequest', `Request body is not valid JSON: ${(e as Error).message}`);
  }
  return schema ? schema.parse(data) : (data as T);
}

type Handler<C> = (req: Request, ctx: C) => Promise<Response>;

/**
 * Browsers mark requests another site makes (an <img> or a form pointing here):
 * refuse them on every endpoint, reads included, so a page elsewhere cannot make this
 * server open connections to your clusters.
 */
export function checkNotCrossSite(req: Request): void {
  const site = req.headers.get('sec-fetch-site');
  if (site === 'cross-site') throw new HttpError(403, 'Forbidden', 'Cross-site request refused.');
}

/**
 * A read-only endpoint: host check, the signed-in person (in-cluster modes; `public`
 * endpoints such as the sign-in skip it), error mapping.
 */
export function route<C>(fn: Handler<C>, opts: { public?: boolean } = {}): Handler<C> {
  return async (req, ctx) => {
    try {
      checkHost(req);
      checkNotCrossSite(req);
      return await asPerson(req, () => fn(req, ctx), opts);
    } catch (e) {
      return errorResponse(e);
    }
  };
}

/**
 * A mutating endpoint: host and same-origin checks, the signed-in person, error mapping.
 * `writes` marks endpoints that change the cluster: refused in a view-only deployment.
 */
export function mutation<C>(fn: Handler<C>, opts: { public?: boolean; writes?: boolean } = {}): Handler<C> {
  return async (req, ctx) => {
    try {
      checkHost(req);
      checkSameOrigin(req);
      if (opts.writes) assertWritable();
      return await asPerson(req, () => fn(req, ctx), opts);
    } catch (e) {
      return errorResponse(e);
    }
  };
}

/** The kubeconfig context a request is about (?context=...), or the default. */
export function contextOf(req: Request): string | undefined {
  return new URL(req.url).searchParams.get('context') || undefined;
}

export const READ_ONLY_REASON = 'This Meshboard deployment is view-only (MESHBOARD_READ_ONLY): nothing can be written from it.';

/** Refuse writes in a view-only deployment. */
export function assertWritable(): void {
  if (readOnly()) throw new HttpError(403, 'Forbidden', READ_ONLY_REASON);
}
