/** Kubernetes structural OpenAPI v3 schema (the subset CRDs use) and the schema index. Pure. */

export interface JSONSchemaProps {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  description?: string;
  properties?: Record<string, JSONSchemaProps>;
  additionalProperties?: JSONSchemaProps | boolean;
  items?: JSONSchemaProps;
  required?: string[];
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
  oneOf?: JSONSchemaProps[];
  anyOf?: JSONSchemaProps[];
  allOf?: JSONSchemaProps[];
  not?: JSONSchemaProps;
  nullable?: boolean;
  default?: unknown;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-validations'?: unknown[];
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: string;
}

export interface VersionSchema {
  group: string;
  kind: string;
  version: string;
  served: boolean;
  storage: boolean;
  deprecated?: boolean;
  deprecationWarning?: string;
  namespaced: boolean;
  schema?: JSONSchemaProps;
}

/** {group, kind, version} -> schema; plus the versions known for each group/kind. */
export interface SchemaIndex {
  /** key: "group/Kind/version" */
  versions: Map<string, VersionSchema>;
  /** key: "group/Kind" -> version names in CRD order */
  kinds: Map<string, string[]>;
  /** groups that have at least one CRD in the index */
  groups: Set<string>;
}

export interface SchemaError {
  /** "spec/http[0]/route[1]/weight" (see yaml.ts formatPath); "" for the object itself. */
  path: string;
  message: string;
  /** IST0106 for errors; IST0133 for warnings such as deprecated versions. */
  code?: string;
  severity?: 'error' | 'warning';
}
