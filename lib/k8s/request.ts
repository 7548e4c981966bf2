/**
 * The one way Meshboard talks to a Kubernetes API server. Authentication and TLS
 * come from @kubernetes/client-node's KubeConfig (tokens, client certificates,
 * exec plugins, in-cluster service account); the wire is plain HTTPS so requests
 * carry exactly what we send (dryRun, resourceVersion) and errors keep their Status.
 */
import https from 'node:https';
import http from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';
import { AnswerLostError, fromStatus, KubeApiError, UnreachableError } from './errors';

export interface KubeRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  /** Accept header (default application/json), e.g. a metadata-only list. */
  accept?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

function buildUrl(server: string, path: string, query?: KubeRequest['query']): URL {
  const url = new URL(server.replace(/\/$/, '') + path);
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
  return url;
}

async function options(kc: KubeConfig, url: URL, method: string, headers: Record<string, string>): Promise<https.RequestOptions> {
  const opts: https.RequestOptions = { method, headers: { Accept: 'application/json', ...headers } };
  await kc.applyToHTTPSOptions(opts);
  opts.hostname = url.hostname.replace(/^\[|\]$/g, '');
  opts.port = url.port || (url.protocol === 'https:' ? 443 : 80);
  opts.path = url.pathname + url.search;
  return opts;
}

function serverOf(kc: KubeConfig): string {
  const c = kc.getCurrentCluster();
  if (!c) throw new KubeApiError(500, 'InternalError', `Context ${kc.getCurrentContext()} has no cluster`);
  return c.server;
}

function transport(url: URL) {
  return url.protocol === 'http:' ? http : https;
}

/** One request; resolves with the parsed JSON body, rejects with KubeApiError. */
export async function kubeRequest<T = unknown>(kc: KubeConfig, req: KubeRequest): Promise<T> {
  const server = serverOf(kc);
  const url = buildUrl(server, req.path, req.query);
  const method = req.method ?? 'GET';
  const payload = req.body === undefined ? undefined : typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
  const headers: Record<string, string> = {};
  if (req.accept) headers.Accept = req.accept;
  if (payload !== undefined) {
    headers['Content-Type'] = req.contentType ?? 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(payload));
  }
  let opts: https.RequestOptions;
  try {
    opts = await options(kc, url, method, headers);
  } catch (e) {
    // Credential plugins (exec, OIDC refresh) fail here: the server was never asked.
    throw new KubeApiError(401, 'Unauthorized', `Could not get credentials for context ${kc.getCurrentContext()}: ${(e as Error).message}`);
  }
  if (req.signal) opts.signal = req.signal;
  return new Promise<T>((resolve, reject) => {
    // Whether the whole request reached the socket: before that, a failure means it was not sent.
    let sent = false;
    const r = transport(url).request(opts, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) {
          try {
            resolve((text ? JSON.parse(text) : {}) as T);
          } catch {
            reject(new KubeApiError(502, 'BadGateway', `Kubernetes API returned invalid JSON for ${method} ${req.path}`));
          }
        } else reject(fromStatus(status, text));
      });
      res.on('error', (e) => reject(connectionError(server, e, true)));
    });
    const limit = req.timeoutMs ?? 15_000;
    r.setTimeout(limit, () => r.destroy(new Error(sent ? `no answer within ${limit / 1000}s` : `could not connect within ${limit / 1000}s`)));
    r.on('finish', () => (sent = true));
    r.on('error', (e: NodeJS.ErrnoException) => reject(connectionError(server, e, sent)));
    if (payload !== undefined) r.write(payload);
    r.end();
  });
}

/**
 * A failed connection, classified for writes: `sent` is whether the whole request had
 * been handed to the socket ('finish'). Before that (refused, DNS, TLS, connect
 * timeout) the API server cannot have acted on it: UnreachableError, not sent. After
 * it (the connection dropped, no answer in time, an answer that is not HTTP) the write
 * may have been stored: AnswerLostError, outcome unknown.
 */
export function connectionError(server: string, e: NodeJS.ErrnoException, sent: boolean): UnreachableError {
  const cause = e.code ? `${e.code} ${e.message}` : e.message;
  return sent ? new AnswerLostError(server, cause) : new UnreachableError(server, cause);
}

/** A metadata-only list (PartialObjectMetadataList): no fallback, so a server that cannot answer so is refused rather than read. */
export const METADATA_LIST_ACCEPT = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';
/** A metadata-only watch: each event's object is a PartialObjectMetadata. */
export const METADATA_WATCH_ACCEPT = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1';

export interface WatchEvent<T = unknown> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T;
}

/**
 * Stream a watch. `onEvent` is called per event; the promise resolves when the server
 * ends the stream (normal timeout) and rejects on connection errors or a non-200.
 */
export async function kubeWatch<T = unknown>(
  kc: KubeConfig,
  path: string,
  query: KubeRequest['query'],
  onEvent: (e: WatchEvent<T>) => void,
  signal: AbortSignal,
  /** Accept header (default application/json), e.g. metadata-only events. */
  accept?: string,
): Promise<void> {
  const server = serverOf(kc);
  const url = buildUrl(server, path, { ...query, watch: true });
  let opts: https.RequestOptions;
  try {
    opts = await options(kc, url, 'GET', accept ? { Accept: accept } : {});
  } catch (e) {
    throw new KubeApiError(401, 'Unauthorized', `Could not get credentials for context ${kc.getCurrentContext()}: ${(e as Error).message}`);
  }
  opts.signal = signal;
  return new Promise<void>((resolve, reject) => {
    // Our own abort (stop, or a 410 seen in the stream) ends the watch normally.
    const fail = (e: KubeApiError) => (signal.aborted ? resolve() : reject(e));
    const r = transport(url).request(opts, (res) => {
      const status = res.statusCode ?? 0;
      if (status !== 200) {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => fail(fromStatus(status, Buffer.concat(chunks).toString('utf8'))));
        return;
      }
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i).trim();
          buf = buf.slice(i + 1);
          if (!line) continue;
          let ev: WatchEvent<T>;
          try {
            ev = JSON.parse(line) as WatchEvent<T>;
          } catch {
            continue; // a torn line: the next event carries on
          }
          if (!ev || typeof ev !== 'object') continue;
          try {
            onEvent(ev);
          } catch (e) {
            r.destroy();
            reject(e);
            return;
          }
        }
      });
      res.on('end', () => resolve());
      res.on('error', (e) => fail(new UnreachableError(server, e.message)));
      res.on('aborted', () => fail(new UnreachableError(server, 'watch connection aborted')));
    });
    // A silent, half-open connection: the server sends bookmarks/heartbeats well within this.
    r.setTimeout(90_000, () => r.destroy(new Error('watch idle for 90s')));
    r.on('error', (e: NodeJS.ErrnoException) => fail(new UnreachableError(server, e.code ? `${e.code} ${e.message}` : e.message)));
    r.end();
  });
}
