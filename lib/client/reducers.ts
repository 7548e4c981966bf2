/**
 * Pure updates of cached responses from server events, ignoring stale
 * resourceVersions (an event older than what we hold changes nothing).
 */
import type { ConfigListResponse, ServerEvent } from '../contracts/api';
import { configItemId, sortConfigItems, toConfigItem } from '../istio/overview';
import { isNewerVersion as newer } from '../istio/resources';
import type { K8sObject } from '../istio/types';

type ChangeEvent = Extract<ServerEvent, { type: 'change' }>;

export function splitTypeKey(typeKey: string): { group: string; plural: string } {
  const i = typeKey.lastIndexOf('/');
  const group = typeKey.slice(0, i);
  return { group: group === 'core' ? '' : group, plural: typeKey.slice(i + 1) };
}

export function isIstioTypeKey(typeKey: string): boolean {
  return splitTypeKey(typeKey).group.endsWith('.istio.io');
}

export function applyToConfigList(list: ConfigListResponse, ev: ChangeEvent): ConfigListResponse {
  if (!isIstioTypeKey(ev.typeKey)) return list;
  const { group, plural } = splitTypeKey(ev.typeKey);
  const o = ev.object;
  const id = configItemId(group, plural, o.metadata.namespace ?? '', o.metadata.name);
  const idx = list.items.findIndex((i) => i.id === id);
  if (ev.change === 'DELETED') {
    if (idx < 0) return list;
    return { ...list, items: list.items.filter((_, i) => i !== idx) };
  }
  const item = toConfigItem(o, plural);
  if (idx >= 0) {
    if (!newer(item.resourceVersion, list.items[idx]!.resourceVersion)) return list;
    const items = list.items.slice();
    items[idx] = item;
    return { ...list, items };
  }
  return { ...list, items: sortConfigItems([...list.items, item]) };
}

/** A detail view's object after an event; undefined when the object was deleted. */
export function applyToObject(current: K8sObject | undefined, ev: ChangeEvent): K8sObject | undefined | 'unchanged' {
  if (ev.change === 'DELETED') return undefined;
  if (current && !newer(ev.object.metadata.resourceVersion, current.metadata.resourceVersion)) return 'unchanged';
  // Keep the version the view asked for: the cache speaks the preferred version.
  return current ? { ...ev.object, apiVersion: current.apiVersion } : ev.object;
}
