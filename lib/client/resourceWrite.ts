'use client';
/**
 * Writing one resource from the browser, for the editor (and what the forms share): the
 * dry run and the apply through the HTTP API, the query cache updated after a stored
 * write (components never write into query keys themselves), and how a failed write
 * reads (refused, invalid with causes, conflict, or outcome unknown).
 */
import { useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import type { KindSummary } from '../contracts/api';
import type { WriteFailure } from '../istio/editor/session';
import { serverErrorToProblems } from '../istio/editor/validate';
import { parseApiVersion } from '../istio/kinds';
import type { K8sObject } from '../istio/types';
import { parseYamlDocuments } from '../istio/yaml';
import { ApiRequestError } from './api';
import { keys } from './keys';
import { createObject, replaceObject, type TypeRef } from './mutations';
import { outcomeUnknown } from './writeOutcome';

/** A failed editor write as the editor session reads it (lib/istio/editor/session.ts). */
export function writeFailure(e: unknown, opts: { isEdit: boolean; text: string }): WriteFailure {
  // 409: changed meanwhile; 404 on replace: deleted meanwhile. Both: show, never overwrite.
  if (e instanceof ApiRequestError && opts.isEdit && (e.status === 409 || e.status === 404))
    return { kind: 'conflict', current: e.status === 409 ? e.body.current : undefined };
  if (e instanceof ApiRequestError && (e.status === 422 || e.status === 400))
    return { kind: 'invalid', problems: serverErrorToProblems(parseYamlDocuments(opts.text), e.body), error: e };
  if (outcomeUnknown(e)) return { kind: 'unknown', error: e };
  return { kind: 'refused', error: e };
}

export type EditTarget = { group: string; version: string; plural: string; namespace: string | undefined; name: string };

/**
 * The editor's writes. `target` set: replace that resource (PUT with the edit's
 * resourceVersion); unset: create the object in the kind the cluster serves for its
 * apiVersion (`namespace` for namespaced kinds). A stored write updates the page's copy
 * of the resource and refreshes the config list.
 */
export function useResourceWrite(context: string, opts: { target?: EditTarget; kinds: readonly KindSummary[]; namespace: string | undefined }) {
  const qc = useQueryClient();
  const { target, kinds, namespace } = opts;

  const stored = useCallback(
    (t: TypeRef, ns: string | undefined, object: K8sObject) => {
      qc.setQueryData(keys.resource(context, t.group, t.plural, ns ?? '-', object.metadata.name, t.version), { object });
      void qc.invalidateQueries({ queryKey: keys.config(context) });
    },
    [qc, context],
  );

  /** Dry run (`dryRun`) or apply of the editor's object. */
  const write = useCallback(
    async (dryRun: boolean, outgoing: K8sObject) => {
      if (target) {
        const r = await replaceObject(context, target, target.namespace, target.name, outgoing, { dryRun });
        if (!dryRun) stored(target, target.namespace, r.object);
        return r;
      }
      const { group, version } = parseApiVersion(outgoing.apiVersion);
      const k = kinds.find((x) => x.group === group && x.kind === outgoing.kind);
      if (!k) throw new ApiRequestError({ status: 400, reason: 'BadRequest', message: `The cluster does not serve ${outgoing.apiVersion} ${outgoing.kind}.` });
      const t = { group, version, plural: k.plural };
      const ns = k.namespaced ? namespace : undefined;
      const r = await createObject(context, t, ns, outgoing, { dryRun });
      if (!dryRun) void qc.invalidateQueries({ queryKey: keys.config(context) });
      return r;
    },
    [target, kinds, namespace, context, stored, qc],
  );

  /** Create the edited resource again after it was deleted meanwhile. */
  const recreate = useCallback(
    async (object: K8sObject) => {
      if (!target) throw new Error('recreate needs the resource being edited');
      const { resourceVersion: _rv, ...metadata } = object.metadata;
      const r = await createObject(context, target, target.namespace, { ...object, metadata: { ...metadata, namespace: target.namespace } });
      stored(target, target.namespace, r.object);
      return r;
    },
    [target, context, stored],
  );

  return { write, recreate };
}
