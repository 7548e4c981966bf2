'use client';
import { useState } from 'react';
import { signIn } from '@/lib/client/queries';

/** Token sign-in: the token goes to the server once and is kept there, sealed in an HttpOnly cookie. */
export function SignInForm() {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(token);
      window.location.assign('/');
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };
  return (
    <form className="signin" onSubmit={submit} aria-label="Sign in">
      <h1>Sign in to Meshboard</h1>
      <p>
        Paste a Kubernetes bearer token: <code>kubectl create token &lt;service-account&gt;</code>, or the token of your kubeconfig user. Meshboard acts as you
        with it, and every page shows only what your RBAC lets you read.
      </p>
      <label>
        Bearer token
        <textarea aria-label="Bearer token" value={token} onChange={(e) => setToken(e.target.value)} rows={4} autoComplete="off" spellCheck={false} />
      </label>
      {error && (
        <div className="banner error" role="alert">
          {error}
        </div>
      )}
      <button type="submit" className="primary" disabled={busy || !token.trim()}>
        Sign in
      </button>
    </form>
  );
}
