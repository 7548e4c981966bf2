/**
 * How a failed write is classified, against real loopback sockets: "not sent" (nothing
 * of the request reached the API server) versus "unknown" (the request was written and
 * its answer was lost). Forms and the editor tell the user one or the other.
 */
import { afterEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { AnswerLostError, KubeApiError, UnreachableError } from './errors';
import { connectionError, kubeRequest } from './request';

function kubeconfigFor(server: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    // Plain HTTP on loopback: client-node allows it only with skipTLSVerify.
    clusters: [{ name: 'c', server, skipTLSVerify: true }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return kc;
}

const servers: net.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A TCP server that reads a whole HTTP request (headers + Content-Length body) and then does `then` with the socket. */
function listen(then: (socket: net.Socket, request: string) => void): Promise<{ port: number; requests: string[] }> {
  const requests: string[] = [];
  const server = net.createServer((socket) => {
    let buf = '';
    socket.on('data', (d) => {
      buf += d.toString();
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/content-length: (\d+)/i.exec(buf.slice(0, end))?.[1] ?? 0);
      if (buf.length - end - 4 < length) return;
      requests.push(buf);
      buf = '';
      then(socket, requests[requests.length - 1]!);
    });
    socket.on('error', () => {});
  });
  servers.push(server);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ port: (server.address() as net.AddressInfo).port, requests })));
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

const put = {
  method: 'PUT' as const,
  path: '/apis/networking.istio.io/v1/namespaces/d/virtualservices/a',
  body: { kind: 'VirtualService', metadata: { name: 'a' } },
};

async function failure(p: Promise<unknown>): Promise<KubeApiError> {
  try {
    await p;
  } catch (e) {
    return e as KubeApiError;
  }
  throw new Error('the request succeeded');
}

describe('a failed write: not sent, or outcome unknown', () => {
  it('connection refused: not sent (UnreachableError, details.sent false)', async () => {
    const port = await closedPort();
    const e = await failure(kubeRequest(kubeconfigFor(`http://127.0.0.1:${port}`), put));
    expect(e).toBeInstanceOf(UnreachableError);
    expect(e).not.toBeInstanceOf(AnswerLostError);
    expect(e.toBody()).toMatchObject({ status: 503, reason: 'ServiceUnavailable', details: { sent: false } });
    expect(e.message).toContain('ECONNREFUSED');
  });

  it('a name that does not resolve: not sent', async () => {
    const e = await failure(kubeRequest(kubeconfigFor('http://meshboard-no-such-host.invalid:6443'), put));
    expect(e).toBeInstanceOf(UnreachableError);
    expect(e).not.toBeInstanceOf(AnswerLostError);
    expect(e.details).toEqual({ sent: false });
  });

  it('the request was received and the connection dropped before the answer: unknown (AnswerLostError, details.sent true)', async () => {
    const srv = await listen((socket) => socket.destroy());
    const e = await failure(kubeRequest(kubeconfigFor(`http://127.0.0.1:${srv.port}`), put));
    // The server did get the whole request, body included.
    expect(srv.requests).toHaveLength(1);
    expect(srv.requests[0]).toContain('"name":"a"');
    expect(e).toBeInstanceOf(AnswerLostError);
    expect(e).toBeInstanceOf(UnreachableError); // still "unreachable" for the caches
    expect(e.toBody()).toMatchObject({ status: 503, details: { sent: true } });
    expect(e.message).toContain('after the request was sent');
  });

  it('the request was received and no answer came in time: unknown', async () => {
    const srv = await listen(() => {
      /* never answers */
    });
    const e = await failure(kubeRequest(kubeconfigFor(`http://127.0.0.1:${srv.port}`), { ...put, timeoutMs: 300 }));
    expect(srv.requests).toHaveLength(1);
    expect(e).toBeInstanceOf(AnswerLostError);
    expect(e.message).toContain('no answer within 0.3s');
  });

  it('an answer that is not HTTP, after the request was received: unknown', async () => {
    const srv = await listen((socket) => socket.end('\x00\xffnot http at all\r\n\r\n'));
    const e = await failure(kubeRequest(kubeconfigFor(`http://127.0.0.1:${srv.port}`), put));
    expect(srv.requests).toHaveLength(1);
    expect(e).toBeInstanceOf(AnswerLostError);
  });

  it('an answer from the API server is neither: it keeps its status', async () => {
    const status = JSON.stringify({ kind: 'Status', code: 409, reason: 'Conflict', message: 'the object has been modified' });
    const srv = await listen((socket) =>
      socket.end(`HTTP/1.1 409 Conflict\r\nContent-Type: application/json\r\nContent-Length: ${status.length}\r\nConnection: close\r\n\r\n${status}`),
    );
    const e = await failure(kubeRequest(kubeconfigFor(`http://127.0.0.1:${srv.port}`), put));
    expect(e).not.toBeInstanceOf(UnreachableError);
    expect(e.toBody()).toEqual({ status: 409, reason: 'Conflict', message: 'the object has been modified' });
  });

  it('connectionError: the classification itself', () => {
    const err = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(connectionError('s', err, false)).not.toBeInstanceOf(AnswerLostError);
    expect(connectionError('s', err, false).details).toEqual({ sent: false });
    expect(connectionError('s', err, true)).toBeInstanceOf(AnswerLostError);
    expect(connectionError('s', err, true).message).toContain('ECONNRESET socket hang up');
  });
});
