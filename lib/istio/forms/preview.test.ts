import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { previewWrites, previewYaml } from './preview';
import { applyCanaryStep, buildTrafficShifting, getInitTrafficShifting } from './trafficShifting';
import { S4, testkit } from './testkit';

const { loadScenario } = testkit((p) => readFileSync(new URL(`../${p}`, import.meta.url), 'utf8'));

describe('preview of a form result', () => {
  it('shows the YAML to send, the live YAML and the changed paths', () => {
    const r = loadScenario(S4);
    const res = buildTrafficShifting(
      applyCanaryStep(getInitTrafficShifting({ resources: r, namespace: 'shop', service: 'user-service' }), [90, 10], 'stable', 'canary'),
      { resources: r },
    );
    const [p] = previewWrites(res);
    expect(p).toMatchObject({
      id: 'networking.istio.io/VirtualService/shop/user-service-vs',
      title: 'VirtualService shop/user-service-vs',
      action: 'replace',
      changed: ['spec/http[0]/route'],
    });
    expect(p!.before).toContain('subset: stable');
    expect(p!.after).toBe(
      [
        'apiVersion: networking.istio.io/v1',
        'kind: VirtualService',
        'metadata:',
        '  name: user-service-vs',
        '  namespace: shop',
        'spec:',
        '  hosts:',
        '    - user-service',
        '  http:',
        '    - route:',
        '        - destination:',
        '            host: user-service',
        '            subset: stable',
        '          weight: 90',
        '        - destination:',
        '            host: user-service',
        '            subset: canary',
        '          weight: 10',
        '',
      ].join('\n'),
    );
    expect(previewYaml(res)).toBe(p!.after);
    expect(previewWrites({ writes: [{ action: 'create', object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } } }] })[0]).toMatchObject({
      changed: ['/'],
      action: 'create',
    });
  });
});
