/**
 * Schema validation for the editor and the analyzers. The editor's entry point is
 * `validateObject(obj, schemas) => {path, message, code?}[]` with `schemas` from
 * `schemasFromCrds(crdObjects)` (a cluster's CRDs) or `bundledSchemas()`.
 */
export { validateObject, validateAgainstSchema, dns1123LabelProblem, dns1123SubdomainProblem } from './validate';
export { schemasFromCrds, emptySchemaIndex, addCrd, compactCrd } from './crds';
export { bundledSchemas } from './bundled';
export type { JSONSchemaProps, SchemaError, SchemaIndex, VersionSchema } from './types';
