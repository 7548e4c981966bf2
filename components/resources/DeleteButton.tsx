'use client';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { deleteObject, type TypeRef } from '@/lib/client/mutations';
import { useLinkParams } from '@/lib/client/selection';
import { ConfirmDialog } from '@/components/ui/ConfirmDialog';
import { ErrorBox } from '@/components/ui/ErrorBox';

/** Delete with a confirmation that names the resource; a refusal (403, 409) is shown, not swallowed. */
export function DeleteButton({
  context,
  type,
  kind,
  namespace,
  name,
  resourceVersion,
}: {
  context: string;
  type: TypeRef;
  kind: string;
  namespace?: string;
  name: string;
  resourceVersion?: string;
}) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const router = useRouter();
  const link = useLinkParams();
  const label = `${kind} ${namespace ? `${namespace}/` : ''}${name}`;
  return (
    <>
      <button
        className="danger"
        onClick={() => {
          setError(null);
          setOpen(true);
        }}
      >
        Delete
      </button>
      {error != null && <ErrorBox error={error} title={`Could not delete ${label}`} />}
      {open && (
        <ConfirmDialog
          title={`Delete ${kind}?`}
          confirmLabel={`Delete ${name}`}
          danger
          busy={busy}
          onCancel={() => setOpen(false)}
          onConfirm={async () => {
            setBusy(true);
            try {
              await deleteObject(context, type, namespace, name, { resourceVersion });
              setOpen(false);
              router.push(link('/config'));
            } catch (e) {
              setError(e);
              setOpen(false);
            } finally {
              setBusy(false);
            }
          }}
        >
          This deletes <b data-testid="delete-target">{label}</b> from context <b>{context}</b>. Traffic that depends on it changes at once.
        </ConfirmDialog>
      )}
    </>
  );
}
