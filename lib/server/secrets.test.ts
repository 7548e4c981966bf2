/**
 * The TLS secret names behind the expose form: asked of a fake API server as a
 * metadata-only list, never a plain one, and nothing but names leaves the server.
 */
import http from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GET } from '@/app/api/secrets/route';
import { KubeApiError } from '../k8s/errors';
import { listTlsSecretNames, METADATA_LIST_ACCEPT } from './secrets';

interface Seen {
  method?: string;
  url?: string;
  accept?: string;
  authorization?: string;
}

let server: http.Server;
let dir: string;
let seen: Seen[] = [];
let answer: { status: number; body: unknown } = { status: 200, body: {} };
const savedKubeconfig = process.env.KUBECONFIG;

const SECRET_DATA = 'c2VjcmV0LWtleS1tYXRlcmlhbA==';

/** What a kube-apiserver sends for the metadata-only list (with an annotation that embeds the data, as kubectl apply leaves one). */
const metadataList = {
  kind: 'PartialObjectMetadataList',
  apiVersion: 'meta.k8s.io/v1',
  metadata: { resourceVersion: '42' },
  items: [
    {
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: {
        name: 'users-cert',
        namespace: 'istio-system',
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': `{"data":{"tls.key":"${SECRET_DATA}"}}` },
      },
    },
    { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 'api-cert', namespace: 'istio-system' } },
  ],
};

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push({ method: req.method, url: req.url, accept: req.headers.accept, authorization: req.headers.authorization });
    res.writeHead(answer.status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  dir = mkdtempSync(path.join(tmpdir(), 'meshboard-secrets-'));
  const kubeconfig = path.join(dir, 'config');
  writeFileSync(
    kubeconfig,
    `apiVersion: v1
kind: Config
clusters:
- name: fake
  cluster: {server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true}
users:
- name: someone
  user: {token: test-token}
contexts:
- name: fake
  context: {cluster: fake, user: someone}
current-context: fake
`,
  );
  process.env.KUBECONFIG = kubeconfig;
});

afterAll(async () => {
  if (savedKubeconfig === undefined) delete process.env.KUBECONFIG;
  else process.env.KUBECONFIG = savedKubeconfig;
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  seen = [];
  answer = { status: 200, body: metadataList };
});

const get = (query: string) => GET(new Request(`http://127.0.0.1:3000/api/secrets?${query}`, { headers: { host: '127.0.0.1:3000' } }), undefined);

describe('listTlsSecretNames', () => {
  it('asks for the metadata-only list of kubernetes.io/tls secrets, with no plain-JSON fallback', async () => {
    expect(await listTlsSecretNames('fake', 'istio-system')).toEqual({ namespace: 'istio-system', names: ['api-cert', 'users-cert'] });
    expect(seen).toEqual([
      {
        method: 'GET',
        url: '/api/v1/namespaces/istio-system/secrets?fieldSelector=type%3Dkubernetes.io%2Ftls',
        accept: METADATA_LIST_ACCEPT,
        authorization: 'Bearer test-token',
      },
    ]);
    expect(METADATA_LIST_ACCEPT).toBe('application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1');
  });

  it('refuses (502) an answer that is not a PartialObjectMetadataList, such as a full SecretList', async () => {
    answer = { status: 200, body: { kind: 'SecretList', apiVersion: 'v1', items: [{ metadata: { name: 'users-cert' }, data: { 'tls.key': SECRET_DATA } }] } };
    const error = await listTlsSecretNames('fake', 'istio-system').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeApiError);
    expect((error as KubeApiError).status).toBe(502);
    expect((error as KubeApiError).message).toBe(
      'The Kubernetes API server answered the metadata-only list of secrets in istio-system with a SecretList; Meshboard does not read secrets any other way, so none can be offered. Type the name of the TLS secret.',
    );
  });
});

describe('GET /api/secrets', () => {
  it('returns {namespace, names} and nothing else', async () => {
    const res = await get('namespace=istio-system&context=fake');
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ namespace: 'istio-system', names: ['api-cert', 'users-cert'] });
    expect(Object.keys(JSON.parse(text))).toEqual(['namespace', 'names']);
    expect(text).not.toContain(SECRET_DATA);
  });

  it('uses the default context without ?context=, and passes a 403 through', async () => {
    answer = {
      status: 403,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        reason: 'Forbidden',
        code: 403,
        message: 'secrets is forbidden: User "viewer" cannot list resource "secrets"',
      },
    };
    const res = await get('namespace=istio-system');
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ status: 403, reason: 'Forbidden' });
    expect(seen).toHaveLength(1);
  });

  it('answers 502 without any secret content when the API server sends full secrets', async () => {
    answer = { status: 200, body: { kind: 'SecretList', apiVersion: 'v1', items: [{ metadata: { name: 'users-cert' }, data: { 'tls.key': SECRET_DATA } }] } };
    const res = await get('namespace=istio-system&context=fake');
    expect(res.status).toBe(502);
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ status: 502, reason: 'BadGateway' });
    expect(text).not.toContain(SECRET_DATA);
    expect(text).not.toContain('users-cert');
  });

  it('refuses an unknown context and a namespace that is not a DNS label before asking the API server', async () => {
    expect((await get('namespace=istio-system&context=nope')).status).toBe(400);
    expect((await get('namespace=Not_A_Label&context=fake')).status).toBe(400);
    expect(seen).toEqual([]);
  });
});
