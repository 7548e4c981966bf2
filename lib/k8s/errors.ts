/**
 * Errors from the Kubernetes API keep their meaning (status, reason, field causes)
 * all the way to the browser. Everything a route handler can throw maps to one JSON
 * shape: {status, reason, message, causes?, details?}.
 */

import type { ApiError } from '../contracts/api';

export type StatusCause = NonNullable<ApiError['causes']>[number];
export type ApiErrorBody = ApiError;

export class KubeApiError extends Error {
  constructor(
    public readonly status: number,
    public readonly reason: string,
    message: string,
    public readonly causes: StatusCause[] = [],
    public readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'KubeApiError';
  }

  toBody(): ApiErrorBody {
    const b: ApiErrorBody = { status: this.status, reason: this.reason, message: this.message };
    if (this.causes.length) b.causes = this.causes;
    if (Object.keys(this.details).length) b.details = this.details;
    return b;
  }
}

/**
 * The API server could not be reached at all: the connection was refused, the name did
 * not resolve, or it (or its TLS handshake) failed before a byte of the request was
 * written. A write that fails this way was not sent (details.sent false).
 */
export class UnreachableError extends KubeApiError {
  constructor(server: string, cause: string, details: Record<string, unknown> = { sent: false }) {
    super(503, 'ServiceUnavailable', `Kubernetes API server ${server} is unreachable: ${cause}`, [], details);
    this.name = 'UnreachableError';
  }
}

/**
 * The request was written to the API server but its answer never arrived (the
 * connection dropped, or no answer within the timeout): a write may or may not have
 * been stored (details.sent true). Still "unreachable" for the caches and the banner.
 */
export class AnswerLostError extends UnreachableError {
  constructor(server: string, cause: string) {
    super(server, cause, { sent: true });
    this.name = 'AnswerLostError';
    this.message = `No answer from the Kubernetes API server ${server} after the request was sent: ${cause}`;
  }
}

const REASON_BY_STATUS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  410: 'Expired',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

export function reasonFor(status: number): string {
  return REASON_BY_STATUS[status] ?? 'Unknown';
}

/** Build an error from a Kubernetes Status body (or whatever the server sent). */
export function fromStatus(httpStatus: number, body: string): KubeApiError {
  try {
    const s = JSON.parse(body) as {
      kind?: string;
      code?: number;
      reason?: string;
      message?: string;
      details?: { causes?: StatusCause[]; name?: string; kind?: string; group?: string };
    };
    if (s && s.kind === 'Status') {
      const { causes, ...rest } = s.details ?? {};
      return new KubeApiError(s.code || httpStatus, s.reason || reasonFor(httpStatus), s.message || `HTTP ${httpStatus}`, causes ?? [], rest);
    }
  } catch {
    /* not JSON */
  }
  return new KubeApiError(httpStatus, reasonFor(httpStatus), body.trim().slice(0, 500) || `HTTP ${httpStatus}`);
}
