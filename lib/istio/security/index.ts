/**
 * Security evaluation shared by the graph, the forms and the analysis engine. Pure.
 * See mtls.ts (PeerAuthentication / DestinationRule TLS) and authz.ts
 * (AuthorizationPolicy) for the semantics.
 */
export * from './mtls';
export * from './authz';
export { exportedTo, wildcardMatch, refOf, nsOf, rootNamespaceOf, trustDomainOf, oldestFirst } from './common';
