import { describe, expect, it } from 'vitest';
import { ApiRequestError } from './api';
import { notSent, outcomeUnknown } from './writeOutcome';

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
