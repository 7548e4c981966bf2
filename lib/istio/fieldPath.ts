/**
 * Field paths ("spec/http[0]/route[1]/weight"), without the YAML parser: the graph and
 * the review code use them in the browser, where the yaml package is loaded only by
 * the pages that read or write YAML (lib/istio/yaml.ts re-exports these). Pure.
 */

export type PathSegment = string | number;
export type FieldPath = PathSegment[];

/** "spec/http[0]/route[1]/weight" or "spec.http[0].route[1].weight" -> ['spec','http',0,'route',1,'weight'] */
export function parsePath(path: string | FieldPath): FieldPath {
  if (Array.isArray(path)) return path;
  const out: FieldPath = [];
  const re = /([^./[\]]+)|\[(\d+)\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(path))) {
    if (m[2] !== undefined) out.push(Number(m[2]));
    else if (m[1] !== undefined) out.push(/^\d+$/.test(m[1]) ? Number(m[1]) : m[1]);
  }
  return out;
}

/** ['spec','http',0,'route'] -> "spec/http[0]/route" */
export function formatPath(path: FieldPath): string {
  let s = '';
  for (const seg of path) {
    if (typeof seg === 'number') s += `[${seg}]`;
    else s += (s ? '/' : '') + seg;
  }
  return s;
}
