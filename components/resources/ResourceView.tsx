'use client';
import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'next/navigation';
import { kindsQuery, resourceQuery } from '@/lib/client/queries';
import { useSelectedContext } from '@/lib/client/selection';
import { parseApiVersion } from '@/lib/istio/kinds';
import { ErrorBox } from '@/components/ui/ErrorBox';
import { EditorWorkbench } from '@/components/editor/EditorWorkbench';
import { DeleteButton } from './DeleteButton';

export interface ResourceRef {
  group: string;
  version: string;
  plural: string;
  namespace: string;
  name: string;
}

/** A resource page: the YAML editor on the live object, in the version it was written in. */
export function ResourceView(ref: ResourceRef) {
  const { context } = useSelectedContext();
  const params = useSearchParams();
  const q = useQuery({ ...resourceQuery(context ?? '', ref, ref.namespace, ref.name), enabled: !!context });
  const kinds = useQuery({ ...kindsQuery(context ?? ''), enabled: !!context });
  const obj = q.data?.object;
  const kind = kinds.data?.kinds.find((k) => k.group === ref.group && k.plural === ref.plural);
  const pref = kind?.preferred;
  return (
    <div>
      <div className="spread">
        <h1>
          {obj?.kind ?? ref.plural} <span className="muted">{ref.namespace !== '-' ? `${ref.namespace}/` : ''}</span>
          {ref.name} {obj && <span className="badge mono">{obj.apiVersion}</span>}{' '}
          {pref && pref !== ref.version && (
            <span className="badge warn" data-testid="version-hint" title="The resource is shown and saved in the version it was written in.">
              written in {ref.version}; {parseApiVersion(obj?.apiVersion ?? '').group}/{pref} is current
            </span>
          )}
        </h1>
        {obj && context && (
          <DeleteButton
            context={context}
            type={ref}
            kind={obj.kind}
            namespace={ref.namespace === '-' ? undefined : ref.namespace}
            name={ref.name}
            resourceVersion={obj.metadata.resourceVersion}
          />
        )}
      </div>
      {params.get('created') && <div className="banner ok">Created.</div>}
      {q.isError && q.data && (q.error as { status?: number }).status === 404 ? (
        <div className="banner warn" role="status" data-testid="deleted-banner">
          This resource was deleted on the server. Your text stays in the editor; applying offers to create it again.
        </div>
      ) : (
        q.isError && <ErrorBox error={q.error} />
      )}
      {!q.data && !q.isError && <div className="empty">Loading…</div>}
      {obj && context && kinds.data && (
        <EditorWorkbench
          key={`${context}/${ref.group}/${ref.plural}/${ref.namespace}/${ref.name}`}
          context={context}
          kinds={kinds.data.kinds}
          focusPath={params.get('path') ?? undefined}
          target={{
            mode: 'edit',
            group: ref.group,
            version: ref.version,
            plural: ref.plural,
            namespace: ref.namespace === '-' ? undefined : ref.namespace,
            name: ref.name,
            live: obj,
          }}
        />
      )}
    </div>
  );
}
