/** Small inline SVG icons (no icon font: Debian's Chromium has no emoji font in CI). */
import type { EdgeSecurityState } from '@/lib/istio/security/mtls';

const base = { width: 12, height: 12, viewBox: '0 0 16 16', 'aria-hidden': true } as const;

export function LockIcon({ open = false, className }: { open?: boolean; className?: string }) {
  return (
    <svg {...base} className={className}>
      <rect x="3" y="7" width="10" height="8" rx="1.5" fill="currentColor" />
      <path d={open ? 'M5 7V4.5a3 3 0 0 1 5.8-1' : 'M5 7V4.5a3 3 0 0 1 6 0V7'} fill="none" stroke="currentColor" strokeWidth="1.8" />
    </svg>
  );
}

export function WarnIcon({ className }: { className?: string }) {
  return (
    <svg {...base} className={className}>
      <path d="M8 1.5 15 14H1z" fill="currentColor" />
      <rect x="7.2" y="5.5" width="1.6" height="4.5" fill="#fff" />
      <rect x="7.2" y="11" width="1.6" height="1.6" fill="#fff" />
    </svg>
  );
}

export function DenyIcon({ className }: { className?: string }) {
  return (
    <svg {...base} className={className}>
      <circle cx="8" cy="8" r="7" fill="currentColor" />
      <rect x="3.5" y="6.8" width="9" height="2.4" fill="#fff" />
    </svg>
  );
}

export function ConditionalIcon({ className }: { className?: string }) {
  return (
    <svg {...base} className={className}>
      <circle cx="8" cy="8" r="7" fill="none" stroke="currentColor" strokeWidth="2" />
      <text x="8" y="12" textAnchor="middle" fontSize="10" fontWeight="700" fill="currentColor">
        ?
      </text>
    </svg>
  );
}

export const SECURITY_TEXT: Record<EdgeSecurityState, string> = {
  mtls: 'mTLS',
  tls: 'TLS',
  plaintext: 'plaintext',
  conflict: 'TLS conflict: the connection fails',
};

export function SecurityIcon({ state }: { state: EdgeSecurityState }) {
  if (state === 'conflict') return <WarnIcon className="sec conflict" />;
  return <LockIcon open={state === 'plaintext'} className={`sec ${state}`} />;
}
