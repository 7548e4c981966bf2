/** The Kubernetes Gateway API as Istio implements it: types, hostname matching, the attachment model. Pure. */
export * from './types';
export * from './hostnames';
export * from './model';
