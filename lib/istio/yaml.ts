/**
 * YAML with positions: parse one or many documents, report syntax errors with line
 * and column, and map a field path (spec/http[0]/route[1]/weight) to the range of
 * text that holds it. Pure: used in the browser (editor markers), on the server and
 * in the CLI.
 */
import { Document, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, stringify, type Node } from 'yaml';
import { parsePath, type FieldPath } from './fieldPath';

export { formatPath, parsePath, type FieldPath, type PathSegment } from './fieldPath';

/** 1-based line and column, as editors show them. End is exclusive. */
export interface TextRange {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

export interface YamlError {
  message: string;
  line: number;
  column: number;
  range: TextRange;
}

export interface ParsedDocument {
  /** Index of the document in the stream (0-based). */
  index: number;
  /** The plain value of the document (null for an empty document). */
  value: unknown;
  doc: Document.Parsed;
  /** Range of the whole document in the text. */
  range: TextRange;
}

export interface ParseResult {
  documents: ParsedDocument[];
  errors: YamlError[];
  warnings: YamlError[];
  lineCounter: LineCounter;
}

function pos(lc: LineCounter, offset: number): { line: number; col: number } {
  return lc.linePos(Math.max(0, offset));
}

export function offsetsToRange(lc: LineCounter, start: number, end: number): TextRange {
  const a = pos(lc, start);
  const b = pos(lc, Math.max(start, end));
  return { startLine: a.line, startColumn: a.col, endLine: b.line, endColumn: b.col };
}

/**
 * Parse every document in `text`. Syntax errors come back with positions; documents
 * that failed to parse are still listed (with their errors) so callers can decide.
 */
export function parseYamlDocuments(text: string): ParseResult {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [];
  const errors: YamlError[] = [];
  const warnings: YamlError[] = [];
  const documents: ParsedDocument[] = [];
  list.forEach((doc, index) => {
    for (const e of doc.errors) {
      const [s, t] = e.pos;
      const r = offsetsToRange(lineCounter, s, t > s ? t : s + 1);
      errors.push({ message: cleanMessage(e.message), line: r.startLine, column: r.startColumn, range: r });
    }
    for (const w of doc.warnings) {
      const [s, t] = w.pos;
      const r = offsetsToRange(lineCounter, s, t > s ? t : s + 1);
      warnings.push({ message: cleanMessage(w.message), line: r.startLine, column: r.startColumn, range: r });
    }
    const [start, , end] = doc.range;
    let value: unknown = null;
    if (doc.errors.length === 0) {
      try {
        value = doc.toJS({ maxAliasCount: 100 });
      } catch (e) {
        const r = offsetsToRange(lineCounter, start, end);
        errors.push({ message: (e as Error).message, line: r.startLine, column: r.startColumn, range: r });
      }
    }
    documents.push({ index, value, doc, range: offsetsToRange(lineCounter, start, end) });
  });
  return { documents, errors, warnings, lineCounter };
}

function cleanMessage(m: string): string {
  // The yaml package appends " at line X, column Y" plus a code frame; we report positions separately.
  return m.replace(/ at line \d+, column \d+:?[\s\S]*$/, '').trim();
}

/** Documents that hold something (not empty, not comments only). */
export function nonEmptyDocuments(result: ParseResult): ParsedDocument[] {
  return result.documents.filter((d) => d.value !== null && d.value !== undefined);
}

interface Located {
  /** The deepest node reached and how much of the path it covers. */
  node: Node | null;
  key: Node | null;
  depth: number;
}

function locate(doc: Document.Parsed, path: FieldPath): Located {
  let current: unknown = doc.contents;
  let key: Node | null = null;
  let best: Located = { node: (doc.contents as Node) ?? null, key: null, depth: 0 };
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (isMap(current)) {
      const pair = current.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      key = pair.key as Node;
      current = pair.value;
      best = { node: (pair.value as Node) ?? key, key, depth: i + 1 };
    } else if (isSeq(current) && typeof seg === 'number') {
      const item = current.items[seg];
      if (item === undefined) break;
      key = null;
      current = item;
      best = { node: item as Node, key: null, depth: i + 1 };
    } else {
      break;
    }
  }
  return best;
}

/**
 * The text range for a field path. A scalar value gives the range of "key: value";
 * a map or list gives its key line; a path that does not exist maps to its deepest
 * existing ancestor (so "missing field" findings point at the parent).
 */
export function rangeOfPath(doc: Document.Parsed, lc: LineCounter, path: string | FieldPath): TextRange & { exact: boolean } {
  const p = parsePath(path);
  const loc = locate(doc, p);
  const exact = loc.depth === p.length;
  const node = loc.node;
  const keyNode = loc.key;
  if (keyNode?.range && (!exact || !node || !isScalar(node))) {
    // Point at the key: "subsets:" rather than the whole block below it.
    const [ks, ke] = keyNode.range;
    return { ...offsetsToRange(lc, ks, ke), exact };
  }
  if (keyNode?.range && node?.range && isScalar(node)) {
    return { ...offsetsToRange(lc, keyNode.range[0], node.range[1]), exact };
  }
  if (node?.range) {
    const [s, e] = node.range;
    if (isScalar(node)) return { ...offsetsToRange(lc, s, e), exact };
    // A map or list item without a key: its first line.
    const r = offsetsToRange(lc, s, e);
    return { startLine: r.startLine, startColumn: r.startColumn, endLine: r.startLine, endColumn: r.startColumn + 1, exact };
  }
  return { startLine: 1, startColumn: 1, endLine: 1, endColumn: 2, exact: false };
}

/** Serialize an object as YAML the way kubectl users expect to read it. */
export function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0, indentSeq: true, aliasDuplicateObjects: false });
}

/** Serialize several objects as a multi-document stream. */
export function toYamlStream(values: unknown[]): string {
  return values.map((v) => toYaml(v)).join('---\n');
}
