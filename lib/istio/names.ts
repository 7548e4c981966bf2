/**
 * Kubernetes names, defined once: DNS-1123 labels (namespaces, Service names, most
 * object names Istio refers to) and subdomains (object names), as
 * k8s.io/apimachinery/pkg/util/validation defines them. Pure.
 */

/** The pattern of a DNS-1123 label, without the 63-character limit (see isDnsLabel). */
export const DNS1123_LABEL_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
/** The pattern of a DNS-1123 subdomain, without the 253-character limit. */
export const DNS1123_SUBDOMAIN_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';

export const DNS1123_LABEL = new RegExp(DNS1123_LABEL_PATTERN);
export const DNS1123_SUBDOMAIN = new RegExp(DNS1123_SUBDOMAIN_PATTERN);

/** A DNS-1123 label: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit. */
export function isDnsLabel(s: string): boolean {
  return s.length > 0 && s.length <= 63 && DNS1123_LABEL.test(s);
}

/** A DNS-1123 subdomain: at most 253 characters, dot-separated labels. */
export function isDnsSubdomain(s: string): boolean {
  return s.length > 0 && s.length <= 253 && DNS1123_SUBDOMAIN.test(s);
}

export function dns1123SubdomainProblem(name: string): string | undefined {
  if (!name) return 'Required value';
  if (name.length > 253) return 'must be no more than 253 characters';
  if (!DNS1123_SUBDOMAIN.test(name))
    return `${JSON.stringify(name)} is not a valid DNS-1123 subdomain: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit`;
  return undefined;
}

export function dns1123LabelProblem(name: string): string | undefined {
  if (name.length > 63) return 'must be no more than 63 characters';
  if (!DNS1123_LABEL.test(name))
    return `${JSON.stringify(name)} is not a valid DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit`;
  return undefined;
}
