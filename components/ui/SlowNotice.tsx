'use client';
/**
 * Says what a request in flight is waiting for once it takes longer than usual, and
 * for how long, so a slow API server reads as "slow", not as a hung page. Renders
 * nothing for the first `after` milliseconds.
 */
import { useEffect, useState } from 'react';

export function SlowNotice({ what, after = 2000 }: { what: string; after?: number }) {
  const [since] = useState(() => Date.now());
  const [now, setNow] = useState(since);
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const waited = now - since;
  if (waited < after) return null;
  return (
    <span className="muted" role="status" data-testid="slow-notice">
      {what} is slow to answer: waiting for {Math.round(waited / 1000)} s…
    </span>
  );
}
