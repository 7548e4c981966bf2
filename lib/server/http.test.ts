import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkHost, checkSameOrigin, errorBody, mutation, readJson, route, HttpError, MAX_BODY_BYTES } from './http';
import { KubeApiError } from '../k8s/errors';

const req = (url: string, init: RequestInit & { headers?: Record<string, string> } = {}) => new Request(url, init);

describe('host check (DNS rebinding)', () => {
  afterEach(() => {
    delete process.env.MESHBOARD_ALLOWED_HOSTS;
    delete process.env.HOST;
  });
  it('accepts loopback names and refuses others while bound to loopback', () => {
    for (const h of ['127.0.0.1:3000', 'localhost:3000', '[::1]:3000', 'localhost'])
      expect(() => checkHost(req('http://x/', { headers: { host: h } }))).not.toThrow();
    expect(() => checkHost(req('http://x/', { headers: { host: 'evil.example:3000' } }))).toThrow(/not allowed/);
  });
  it('accepts names from MESHBOARD_ALLOWED_HOSTS, and any host when bound elsewhere without that list', () => {
    process.env.MESHBOARD_ALLOWED_HOSTS = 'mesh.internal';
    expect(() => checkHost(req('http://x/', { headers: { host: 'mesh.internal:8080' } }))).not.toThrow();
    expect(() => checkHost(req('http://x/', { headers: { host: 'other:8080' } }))).toThrow();
    delete process.env.MESHBOARD_ALLOWED_HOSTS;
    process.env.HOST = '0.0.0.0';
    expect(() => checkHost(req('http://x/', { headers: { host: '10.1.2.3:3000' } }))).not.toThrow();
  });
});

describe('same-origin check for mutations', () => {
  const h = (headers: Record<string, string>) => req('http://127.0.0.1:3000/api/x', { method: 'POST', headers: { host: '127.0.0.1:3000', ...headers } });
  it('accepts our own origin, also from Referer', () => {
    expect(() => checkSameOrigin(h({ origin: 'http://127.0.0.1:3000' }))).not.toThrow();
    expect(() => checkSameOrigin(h({ referer: 'http://127.0.0.1:3000/config' }))).not.toThrow();
  });
  it('refuses other origins, missing and malformed headers, and cross-site fetches', () => {
    expect(() => checkSameOrigin(h({ origin: 'http://evil.example' }))).toThrow(/Cross-origin/);
    expect(() => checkSameOrigin(h({}))).toThrow(/Missing Origin/);
    expect(() => checkSameOrigin(h({ origin: 'null' }))).toThrow(/Missing Origin/);
    expect(() => checkSameOrigin(h({ referer: 'not a url' }))).toThrow(/Malformed Referer/);
    expect(() => checkSameOrigin(h({ origin: 'http://127.0.0.1:3000', 'sec-fetch-site': 'cross-site' }))).toThrow(/Cross-site/);
  });
});

describe('JSON bodies', () => {
  const post = (body: BodyInit, type = 'application/json') => req('http://127.0.0.1/api', { method: 'POST', body, headers: { 'content-type': type } });
  it('parses and validates', async () => {
    expect(await readJson(post('{"a":1}'), z.object({ a: z.number() }))).toEqual({ a: 1 });
  });
  it('names the problem: type, syntax, emptiness, size', async () => {
    await expect(readJson(post('{}', 'text/plain'))).rejects.toMatchObject({ status: 415 });
    await expect(readJson(post('{"a":'))).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/not valid JSON/) });
    await expect(readJson(post('   '))).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/empty/) });
    await expect(readJson(post('"' + 'x'.repeat(MAX_BODY_BYTES) + '"'))).rejects.toMatchObject({ status: 413 });
  });
});

describe('error mapping and wrappers', () => {
  it('maps Kubernetes, HTTP and validation errors to one JSON shape; hides internal errors', () => {
    expect(errorBody(new KubeApiError(403, 'Forbidden', 'no'))).toEqual({ status: 403, reason: 'Forbidden', message: 'no' });
    expect(errorBody(new HttpError(400, 'BadRequest', 'bad'))).toEqual({ status: 400, reason: 'BadRequest', message: 'bad' });
    const zerr = z.object({ a: z.string() }).safeParse({}).error!;
    expect(errorBody(zerr)).toMatchObject({ status: 400, causes: [{ field: 'a' }] });
    const orig = console.error;
    console.error = () => {};
    expect(errorBody(new Error('secret stack'))).toEqual({ status: 500, reason: 'InternalError', message: 'Internal error in Meshboard; see the server log.' });
    console.error = orig;
  });
  it('refuses a cross-origin mutation before the handler runs, and keeps serving', async () => {
    let ran = 0;
    const handler = mutation(async () => {
      ran++;
      return new Response('ok');
    });
    const bad = await handler(req('http://127.0.0.1:3000/api/x', { method: 'POST', headers: { host: '127.0.0.1:3000', origin: 'http://evil.example' } }), {});
    expect(bad.status).toBe(403);
    expect(ran).toBe(0);
    const good = await handler(
      req('http://127.0.0.1:3000/api/x', { method: 'POST', headers: { host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000' } }),
      {},
    );
    expect(good.status).toBe(200);
    const read = route(async () => new Response('ok'));
    expect((await read(req('http://127.0.0.1:3000/api/x', { headers: { host: '127.0.0.1:3000', 'sec-fetch-site': 'cross-site' } }), {})).status).toBe(403);
  });
});
