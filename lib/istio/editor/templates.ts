/** Starting points for a new resource of each kind: small, valid, commented by field names alone. Pure. */
import { apiVersionOf } from '../kinds';
import type { K8sObject } from '../types';

export function templateFor(group: string, kind: string, version: string, namespace: string, name = `my-${kind.toLowerCase()}`): K8sObject {
  const meta = { name, namespace };
  const apiVersion = apiVersionOf(group, version);
  const specs: Record<string, Record<string, unknown>> = {
    VirtualService: { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 100 }] }] },
    DestinationRule: { host: 'reviews', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } }, subsets: [{ name: 'v1', labels: { version: 'v1' } }] },
    Gateway: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['app.example.com'] }] },
    ServiceEntry: { hosts: ['api.example.com'], ports: [{ number: 443, name: 'https', protocol: 'TLS' }], location: 'MESH_EXTERNAL', resolution: 'DNS' },
    Sidecar: { egress: [{ hosts: ['./*', 'istio-system/*'] }] },
    WorkloadEntry: { address: '10.0.0.10', labels: { app: 'vm-app' } },
    WorkloadGroup: { metadata: { labels: { app: 'vm-app' } }, template: { serviceAccount: 'default' } },
    PeerAuthentication: { mtls: { mode: 'STRICT' } },
    AuthorizationPolicy: { selector: { matchLabels: { app: 'reviews' } }, action: 'ALLOW', rules: [{ from: [{ source: { namespaces: [namespace] } }] }] },
    RequestAuthentication: {
      selector: { matchLabels: { app: 'reviews' } },
      jwtRules: [{ issuer: 'https://issuer.example.com', jwksUri: 'https://issuer.example.com/.well-known/jwks.json' }],
    },
    Telemetry: { accessLogging: [{ providers: [{ name: 'envoy' }] }] },
  };
  return { apiVersion, kind, metadata: meta, spec: specs[kind] ?? {} };
}
