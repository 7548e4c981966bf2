/**
 * The browser's only way to reach the server. Every request goes through apiFetch:
 * JSON in and out, the selected context as ?context=, errors as ApiRequestError
 * carrying the server's {status, reason, message, causes, current}.
 */
import type { ApiError } from '../contracts/api';

export class ApiRequestError extends Error {
  constructor(public readonly body: ApiError) {
    super(body.message);
    this.name = 'ApiRequestError';
  }
  get status(): number {
    return this.body.status;
  }
}

export interface FetchOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  body?: unknown;
  context?: string;
  query?: Record<string, string | undefined>;
  signal?: AbortSignal;
}

export function apiUrl(path: string, context?: string, query?: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  if (context) params.set('context', context);
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') params.set(k, v);
  const qs = params.toString();
  return qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path;
}

export async function apiFetch<T>(path: string, opts: FetchOptions = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(apiUrl(path, opts.context, opts.query), {
      method: opts.method ?? 'GET',
      headers: opts.body !== undefined ? { 'Content-Type': 'application/json' } : undefined,
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
      signal: opts.signal,
      credentials: 'same-origin',
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiRequestError({ status: 0, reason: 'NetworkError', message: 'Meshboard server is unreachable. Is it still running?' });
  }
  const text = await res.text();
  let data: unknown = undefined;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  if (!res.ok) {
    const b = (data ?? {}) as Partial<ApiError>;
    // In-cluster sign-in: a session that ended sends the browser to the sign-in page.
    if (res.status === 401 && b.reason === 'SignInRequired' && typeof window !== 'undefined' && window.location.pathname !== '/signin')
      window.location.assign('/signin');
    throw new ApiRequestError({
      status: res.status,
      reason: b.reason ?? res.statusText,
      message: b.message ?? (text.slice(0, 300) || `HTTP ${res.status}`),
      causes: b.causes,
      current: b.current,
      details: b.details,
    });
  }
  return data as T;
}
