import { describe, expect, it } from 'vitest';
import { ApiRequestError } from './api';
import { writeFailure } from './resourceWrite';

describe('how a failed editor write reads', () => {
  const text =
    'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\nspec:\n  http:\n  - route:\n    - destination:\n        host: reviews\n      weight: 120\n';
  const current = { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'reviews', resourceVersion: '9' } };
  it('409 on an edit is a conflict carrying the live object; 404 on an edit is a conflict with the object gone', () => {
    expect(writeFailure(new ApiRequestError({ status: 409, reason: 'Conflict', message: 'changed', current }), { isEdit: true, text })).toEqual({
      kind: 'conflict',
      current,
    });
    expect(writeFailure(new ApiRequestError({ status: 404, reason: 'NotFound', message: 'gone' }), { isEdit: true, text })).toEqual({
      kind: 'conflict',
      current: undefined,
    });
  });
  it('409 when creating (AlreadyExists) is a refusal, not a conflict to merge', () => {
    expect(writeFailure(new ApiRequestError({ status: 409, reason: 'AlreadyExists', message: 'exists' }), { isEdit: false, text }).kind).toBe('refused');
  });
  it("422 maps the server's causes to the lines of the text", () => {
    const f = writeFailure(
      new ApiRequestError({
        status: 422,
        reason: 'Invalid',
        message: 'invalid',
        causes: [{ field: 'spec.http[0].route[0].weight', message: 'must be at most 100' }],
      }),
      { isEdit: true, text },
    );
    expect(f.kind).toBe('invalid');
    if (f.kind !== 'invalid') return;
    expect(f.problems.map((p) => [p.message, p.startLine])).toEqual([['must be at most 100', 10]]);
  });
  it('no answer is an unknown outcome; a 403 is a refusal', () => {
    expect(writeFailure(new TypeError('Failed to fetch'), { isEdit: true, text }).kind).toBe('unknown');
    expect(writeFailure(new ApiRequestError({ status: 504, reason: 'Timeout', message: 'timeout' }), { isEdit: true, text }).kind).toBe('unknown');
    expect(writeFailure(new ApiRequestError({ status: 403, reason: 'Forbidden', message: 'no' }), { isEdit: true, text }).kind).toBe('refused');
  });
});
