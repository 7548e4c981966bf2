/**
 * A small HTTP fault proxy on loopback, placed between Meshboard and a real upstream
 * (the local kube-apiserver over HTTPS, or Prometheus over HTTP). The test sets what
 * it does to the requests a `match` picks (every request by default; the others pass):
 *
 *  - pass:        forward, answer as the upstream answered (streams, e.g. watches, too);
 *  - delay:       forward, then hold the upstream's answer `seconds` before sending it;
 *  - lose-answer: forward, let the upstream answer in full (so a write is stored), then
 *                 drop the client's connection instead of answering;
 *  - refuse:      stop listening and drop every open connection: connections are refused
 *                 (an unreachable server) until another mode is set;
 *  - hang:        read the request and never answer, never forward;
 *  - garbage:     answer bytes that are not HTTP, without forwarding.
 *
 * It records every request it saw (method, path, what it did, the upstream's status),
 * so a test can tell how many writes reached the API server. Loopback only.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';

export type FaultMode =
  { kind: 'pass' } | { kind: 'delay'; seconds: number } | { kind: 'lose-answer' } | { kind: 'refuse' } | { kind: 'hang' } | { kind: 'garbage' };

export interface SeenRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  mode: FaultMode['kind'];
  /** The upstream's status code, when the request was forwarded and answered. */
  upstreamStatus?: number;
}

export type RequestMatch = (req: { method: string; url: string }) => boolean;

export interface FaultProxy {
  url: string;
  port: number;
  /** Apply `mode` to the requests `match` picks (default: all); resolves once in effect. */
  set(mode: FaultMode, match?: RequestMatch): Promise<void>;
  /** Back to pass-through for everything. */
  pass(): Promise<void>;
  readonly seen: readonly SeenRequest[];
  close(): Promise<void>;
}

const GARBAGE = Buffer.from('\x00\xff\xfe garbage, not HTTP \x7f\r\n\r\n{{{{', 'latin1');

export async function startFaultProxy(upstream: string, opts: { port?: number } = {}): Promise<FaultProxy> {
  const target = new URL(upstream);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname)) throw new Error(`fault proxy: upstream ${upstream} is not on loopback`);
  const client = target.protocol === 'https:' ? https : http;
  // The local control plane's serving certificate is self-signed; this is a loopback test harness.
  const agent = target.protocol === 'https:' ? new https.Agent({ rejectUnauthorized: false, keepAlive: true }) : new http.Agent({ keepAlive: true });

  let mode: FaultMode = { kind: 'pass' };
  let match: RequestMatch = () => true;
  const seen: SeenRequest[] = [];
  const sockets = new Set<net.Socket>();

  const forward = (req: http.IncomingMessage, onResponse: (up: http.IncomingMessage) => void, onError: (e: Error) => void) => {
    const headers = { ...req.headers, host: target.host };
    const up = client.request(
      { protocol: target.protocol, hostname: target.hostname.replace(/^\[|\]$/g, ''), port: target.port, method: req.method, path: req.url, headers, agent },
      onResponse,
    );
    up.on('error', onError);
    req.pipe(up);
    return up;
  };

  const server = http.createServer((req, res) => {
    const info = { method: req.method ?? 'GET', url: req.url ?? '/' };
    const m: FaultMode = match(info) ? mode : { kind: 'pass' };
    const record: SeenRequest = { ...info, mode: m.kind };
    seen.push(record);
    const fail = () => {
      if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'text/plain' });
      res.end('fault proxy: upstream failed');
    };
    switch (m.kind) {
      case 'hang':
        req.resume();
        return;
      case 'garbage':
        req.resume();
        req.on('end', () => req.socket.end(GARBAGE));
        return;
      case 'refuse':
        // A connection that was open before the listener closed: drop it.
        req.socket.destroy();
        return;
      case 'lose-answer': {
        forward(
          req,
          (up) => {
            record.upstreamStatus = up.statusCode;
            up.resume();
            // The upstream has answered in full (a write is stored): the client never hears of it.
            up.on('end', () => req.socket.destroy());
          },
          () => req.socket.destroy(),
        );
        return;
      }
      case 'pass':
      case 'delay': {
        let answered = false;
        const up = forward(
          req,
          (upRes) => {
            record.upstreamStatus = upRes.statusCode;
            upRes.on('end', () => (answered = true));
            const send = () => {
              res.writeHead(upRes.statusCode ?? 502, upRes.headers);
              upRes.pipe(res);
            };
            if (m.kind === 'delay') {
              upRes.pause();
              const t = setTimeout(send, m.seconds * 1000);
              res.on('close', () => clearTimeout(t));
            } else send();
          },
          fail,
        );
        // The client went away (a watch ended): end the upstream request too.
        res.on('close', () => {
          if (!answered) up.destroy();
        });
        return;
      }
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('clientError', (_e, s) => s.destroy());

  let listening = false;
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        listening = true;
        resolve();
      });
    });
  const unlisten = () =>
    new Promise<void>((resolve) => {
      if (!listening) return resolve();
      listening = false;
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });

  await listen(opts.port ?? 0);
  const port = (server.address() as net.AddressInfo).port;

  const set = async (next: FaultMode, which: RequestMatch = () => true) => {
    mode = next;
    match = which;
    if (next.kind === 'refuse') {
      // Refusing applies to every connection: there is no listener to pick requests.
      await unlisten();
    } else if (!listening) await listen(port);
  };

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    set,
    pass: () => set({ kind: 'pass' }),
    get seen() {
      return seen;
    },
    close: async () => {
      await unlisten();
      agent.destroy();
    },
  };
}
