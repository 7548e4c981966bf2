'use client';
/**
 * How a failed write reads, for the forms and the editor: refused by the API server,
 * not sent at all (nothing can have changed), or sent with the answer lost (it may have
 * been stored). Tiny on purpose: every form page loads it (no YAML, no schemas).
 */
import { ApiRequestError } from './api';

/**
 * Did a write fail without an answer that says it was refused? No answer from our server
 * (network), or our server had none from the API server after sending it (the connection
 * dropped, a timeout): the write may have been stored. A write our server could not send
 * at all (details.sent false, lib/k8s/errors UnreachableError) is not unknown: see notSent.
 */
export function outcomeUnknown(error: unknown): boolean {
  if (!(error instanceof ApiRequestError)) return true;
  const { status, reason } = error.body;
  if (notSent(error)) return false;
  return status === 0 || status === 502 || status === 503 || status === 504 || reason === 'Timeout' || reason === 'ServerTimeout';
}

/**
 * Did a write fail before any of it reached the API server (connection refused, name not
 * found: the server says details.sent false)? Then nothing changed, and sending it again
 * once the API server is back is safe.
 */
export function notSent(error: unknown): boolean {
  return error instanceof ApiRequestError && error.body.details?.sent === false;
}
