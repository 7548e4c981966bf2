'use client';
import { useEffect, useRef } from 'react';

/** A modal that names exactly what will happen; Escape or Cancel closes it. */
export function ConfirmDialog(props: {
  title: string;
  children: React.ReactNode;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  return (
    <dialog
      ref={ref}
      aria-label={props.title}
      onCancel={props.onCancel}
      style={{ border: '1px solid var(--border)', borderRadius: 8, padding: 18, minWidth: 380 }}
    >
      <h2 style={{ marginTop: 0 }}>{props.title}</h2>
      <div style={{ marginBottom: 16 }}>{props.children}</div>
      <div className="row" style={{ justifyContent: 'flex-end' }}>
        <button onClick={props.onCancel} disabled={props.busy}>
          Cancel
        </button>
        <button className={props.danger ? 'danger' : 'primary'} onClick={props.onConfirm} disabled={props.busy}>
          {props.busy ? 'Working…' : props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
