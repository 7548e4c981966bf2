'use client';
import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'next/navigation';
import { kindsQuery, overviewQuery } from '@/lib/client/queries';
import { useSelectedContext, useUpdateParams } from '@/lib/client/selection';
import { templateFor } from '@/lib/istio/editor/templates';
import { toYaml } from '@/lib/istio/yaml';
import { EditorWorkbench } from '@/components/editor/EditorWorkbench';

/** New resource from a template of the chosen kind, in the chosen namespace; any YAML may be pasted instead. */
export function NewResource() {
  const { context } = useSelectedContext();
  const params = useSearchParams();
  const update = useUpdateParams();
  const kinds = useQuery({ ...kindsQuery(context ?? ''), enabled: !!context });
  const overview = useQuery({ ...overviewQuery(context ?? ''), enabled: !!context });
  const kindName = params.get('kind') ?? 'VirtualService';
  const namespace = params.get('ns') ?? 'default';
  const kind = kinds.data?.kinds.find((k) => k.kind === kindName);
  if (!context || !kinds.data) return <div className="empty">Loading…</div>;
  const version = kind?.preferred ?? 'v1';
  const text = kind ? toYaml(templateFor(kind.group, kind.kind, version, namespace)) : '';
  return (
    <div>
      <h1>New resource</h1>
      <div className="filters">
        <label>
          Kind{' '}
          <select aria-label="Template kind" value={kindName} onChange={(e) => update({ kind: e.target.value })}>
            {kinds.data.kinds.map((k) => (
              <option key={`${k.group}/${k.kind}`} value={k.kind}>
                {k.kind}
              </option>
            ))}
          </select>
        </label>
        <label>
          Namespace{' '}
          <select aria-label="Target namespace" value={namespace} onChange={(e) => update({ ns: e.target.value })}>
            {(overview.data?.namespaces ?? [{ name: namespace }]).map((n) => (
              <option key={n.name} value={n.name}>
                {n.name}
              </option>
            ))}
          </select>
        </label>
        <span className="muted">Start from the template or paste your own YAML.</span>
      </div>
      <EditorWorkbench
        key={`${context}/${kindName}/${namespace}`}
        context={context}
        kinds={kinds.data.kinds}
        target={{ mode: 'create', namespace, initialText: text }}
      />
    </div>
  );
}
