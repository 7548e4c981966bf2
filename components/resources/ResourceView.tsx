'use client';
import { useQuery } from '@tanstack/react-query';
import { resourceQuery } from '@/lib/client/queries';
import { useSelectedContext } from '@/lib/client/selection';
import { toYaml } from '@/lib/istio/yaml';
import { ErrorBox } from '@/components/ui/ErrorBox';
import { DeleteButton } from './DeleteButton';

export interface ResourceRef {
  group: string;
  version: string;
  plural: string;
  namespace: string;
  name: string;
}

/** Strip what nobody edits by hand: managedFields and the last-applied annotation. */
export function forDisplay<T extends { metadata: Record<string, unknown> & { annotations?: Record<string, string> } }>(o: T): T {
  const { managedFields: _mf, ...metadata } = o.metadata;
  const annotations = { ...(o.metadata.annotations ?? {}) };
  delete annotations['kubectl.kubernetes.io/last-applied-configuration'];
  return { ...o, metadata: { ...metadata, ...(Object.keys(annotations).length ? { annotations } : { annotations: undefined }) } } as T;
}

export function ResourceView(ref: ResourceRef) {
  const { context } = useSelectedContext();
  const q = useQuery({ ...resourceQuery(context ?? '', ref, ref.namespace, ref.name), enabled: !!context });
  return (
    <div>
      <div className="spread">
        <h1>
          {q.data?.object.kind ?? ref.plural} <span className="muted">{ref.namespace !== '-' ? `${ref.namespace}/` : ''}</span>
          {ref.name}
        </h1>
        {q.data && context && (
          <DeleteButton context={context} type={ref} kind={q.data.object.kind} namespace={ref.namespace === '-' ? undefined : ref.namespace} name={ref.name} resourceVersion={q.data.object.metadata.resourceVersion} />
        )}
      </div>
      {q.isError && <ErrorBox error={q.error} />}
      {q.data && (
        <pre className="yaml" data-testid="resource-yaml">
          {toYaml(forDisplay(q.data.object as never))}
        </pre>
      )}
    </div>
  );
}
