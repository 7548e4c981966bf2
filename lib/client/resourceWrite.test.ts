import { describe, expect, it } from 'vitest';
import { ApiRequestError } from './api';
import { notSent, outcomeUnknown, writeFailure } from './resourceWrite';

describe('a failed write: refused, or outcome unknown', () => {
  const err = (status: number, reason: string) => new ApiRequestError({ status, reason, message: reason });
  it('an answer from the API server refusing it is a refusal', () => {
    for (const [status, reason] of [
      [409, 'Conflict'],
      [409, 'AlreadyExists'],
      [422, 'Invalid'],
      [403, 'Forbidden'],
      [400, 'BadRequest'],
      [500, 'InternalError'],
    ] as const) {
      expect(outcomeUnknown(err(status, reason)), `${status} ${reason}`).toBe(false);
    }
  });
  it('no answer (network), an unreachable API server or a timeout is unknown: the write may have landed', () => {
    expect(outcomeUnknown(err(0, 'NetworkError'))).toBe(true);
    expect(outcomeUnknown(err(503, 'ServiceUnavailable'))).toBe(true);
    expect(outcomeUnknown(err(504, 'Timeout'))).toBe(true);
    expect(outcomeUnknown(err(502, 'BadGateway'))).toBe(true);
    expect(outcomeUnknown(err(500, 'ServerTimeout'))).toBe(true);
    expect(outcomeUnknown(new TypeError('Failed to fetch'))).toBe(true);
    // The server says the request was written and the answer lost (lib/k8s/errors AnswerLostError).
    const lost = new ApiRequestError({ status: 503, reason: 'ServiceUnavailable', message: 'No answer', details: { sent: true } });
    expect(outcomeUnknown(lost)).toBe(true);
    expect(notSent(lost)).toBe(false);
  });
  it('an API server that could not be reached before anything was written: not sent, not unknown', () => {
    const refusedConnection = new ApiRequestError({ status: 503, reason: 'ServiceUnavailable', message: 'ECONNREFUSED', details: { sent: false } });
    expect(notSent(refusedConnection)).toBe(true);
    expect(outcomeUnknown(refusedConnection)).toBe(false);
    // Without the server's word, a 503 stays unknown.
    expect(notSent(err(503, 'ServiceUnavailable'))).toBe(false);
    expect(notSent(err(422, 'Invalid'))).toBe(false);
    expect(notSent(new TypeError('Failed to fetch'))).toBe(false);
  });
});

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
