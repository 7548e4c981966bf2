'use client';
import type { ApiRequestError } from '@/lib/client/api';

/** A server error in words: what failed, why (Kubernetes reason), and field causes. */
export function ErrorBox({ error, title }: { error: unknown; title?: string }) {
  const e = error as Partial<ApiRequestError> & { message?: string };
  const body = e?.body;
  const forbidden = body?.status === 403;
  return (
    <div className="banner error" role="alert" data-testid="error-box">
      <div className="title">
        {title ?? 'Request failed'}
        {forbidden ? ': Forbidden' : body?.reason ? ` (${body.reason})` : ''}
      </div>
      <div>{body?.message ?? e?.message ?? String(error)}</div>
      {body?.causes && body.causes.length > 0 && (
        <ul>
          {body.causes.map((c, i) => (
            <li key={i}>
              {c.field ? <code>{c.field}</code> : null} {c.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
