import type { KindSummary } from '@/lib/contracts/api';
import { resourceNameHref } from '@/lib/istio/address';

/** The resource page of a finding's resource, in the version the cluster serves, opened at the finding's field. */
export function findingHref(resource: string, path: string | undefined, kinds: readonly KindSummary[], group?: string): string | undefined {
  return resourceNameHref(resource, { group, path, kinds });
}
