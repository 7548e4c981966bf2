/**
 * A reader for the block YAML that Kubernetes manifests are written in (what kubectl,
 * Helm and Kustomize print): documents of block mappings and sequences, plain and quoted
 * one-line scalars, `[]`, `{}` and one-line flow lists of plain scalars, comments. It reads
 * the same values as js-yaml (scalars resolved by the schema's own implicit types), about
 * twice as fast, and gives up (undefined) on anything else: anchors, tags, block and
 * multi-line scalars, nested flow collections, complex or duplicate keys, tabs, CRLF.
 * The caller then reads the text with js-yaml or the yaml package, which also word the
 * errors. Node-only by use (the CLI), pure by nature.
 */

/** A scalar type of the schema: `resolve` says whether a plain scalar is one, `construct` makes the value. */
export interface ImplicitType {
  resolve: (data: string) => boolean;
  construct: (data: string) => unknown;
}
// Note: plain() assumes the types are the YAML 1.2 core schema's (null, bool, int, float).

const BAIL = Symbol('bail');

/** First characters of the core schema's null, bool, int and float scalars. */
const MAY_NOT_BE_STRING = new Set([...'~nNtTfF+-.0123456789'].map((ch) => ch.charCodeAt(0)));

/** Characters a plain value may not start with: flow mappings, anchors, aliases, tags, block scalars, directives, reserved. */
const VALUE_START_BAD = new Set([...'{}],&*!|>%@`#'].map((ch) => ch.charCodeAt(0)));
type Bail = typeof BAIL;

interface Line {
  indent: number;
  /** The line without its indentation (comments still in). */
  text: string;
}

class Reader {
  i = 0;
  constructor(
    readonly lines: Line[],
    readonly types: readonly ImplicitType[],
  ) {}

  plain(s: string): unknown {
    // Only "~", null, true/false, numbers (a sign, a dot or a digit first) are not strings in the core schema.
    if (!MAY_NOT_BE_STRING.has(s.charCodeAt(0))) return s;
    for (const t of this.types) if (t.resolve(s)) return t.construct(s);
    return s;
  }

  /** A scalar, `[]`, `{}` or a flow list of plain scalars on one line, its comment cut off; BAIL when unsure. */
  value(raw: string): unknown {
    const c = raw.charCodeAt(0);
    if (c === 0x27 /* ' */ || c === 0x22 /* " */) return quoted(raw);
    let s = raw;
    const hash = s.indexOf(' #');
    if (hash >= 0) s = s.slice(0, hash).trimEnd();
    if (s === '') return null;
    if (c === 0x5b /* [ */) return s === '[]' ? [] : this.flowList(s);
    if (s === '{}') return {};
    // Indicators that start something this reader does not read (flow mappings, anchors,
    // aliases, tags, block scalars, directives, reserved) or a nested block.
    if (VALUE_START_BAD.has(c)) return BAIL;
    if ((c === 0x2d || c === 0x3f || c === 0x3a) && (s.length === 1 || s.charCodeAt(1) === 0x20)) return BAIL;
    if (s.indexOf(': ') >= 0 || s.charCodeAt(s.length - 1) === 0x3a || s.indexOf('\t') >= 0) return BAIL;
    return this.plain(s);
  }

  flowList(s: string): unknown {
    if (!s.endsWith(']')) return BAIL;
    const body = s.slice(1, -1);
    if (/[[\]{}'"#\t]/.test(body)) return BAIL;
    const out: unknown[] = [];
    for (const part of body.split(',')) {
      const item = part.trim();
      if (!item || /^[-?:](\s|$)/.test(item) || /^[&*!|>%@`]/.test(item) || item.includes(': ') || item.endsWith(':')) return BAIL;
      out.push(this.plain(item));
    }
    return out;
  }

  /** The node that starts at the current line, which is indented by exactly `indent`. */
  node(indent: number): unknown {
    const line = this.lines[this.i];
    if (!line || line.indent !== indent) return BAIL;
    return isItem(line.text) ? this.sequence(indent) : this.mapping(indent, undefined);
  }

  /** What follows "key:" or "-" with nothing after it: a nested node, or null. */
  nested(parentIndent: number, allowSameIndentSequence: boolean): unknown {
    const next = this.lines[this.i];
    if (!next || next.indent < parentIndent) return null;
    if (next.indent === parentIndent) return allowSameIndentSequence && isItem(next.text) ? this.sequence(parentIndent) : null;
    return this.node(next.indent);
  }

  sequence(indent: number): unknown {
    const out: unknown[] = [];
    for (;;) {
      const line = this.lines[this.i];
      if (!line || line.indent < indent) return out;
      if (line.indent > indent || !isItem(line.text)) return BAIL;
      this.i++;
      const rest = line.text.slice(1);
      const content = rest.trimStart();
      if (content === '' || content.startsWith('#')) {
        const v = this.nested(indent, false);
        if (v === BAIL) return BAIL;
        out.push(v);
        continue;
      }
      const col = indent + 1 + (rest.length - content.length);
      if (isItem(content)) return BAIL;
      const key = keyOf(content);
      if (key === BAIL) return BAIL;
      if (key) {
        // A mapping that starts on the item's line, indented by where its first key is.
        const v = this.mapping(col, { key: key.key, rest: key.rest });
        if (v === BAIL) return BAIL;
        out.push(v);
        continue;
      }
      const v = this.value(content);
      if (v === BAIL) return BAIL;
      const next = this.lines[this.i];
      if (next && next.indent > indent) return BAIL; // a multi-line scalar, or something this reader does not follow
      out.push(v);
    }
  }

  mapping(indent: number, first: { key: string; rest: string } | undefined): unknown {
    const out: Record<string, unknown> = {};
    let entry = first;
    for (;;) {
      if (!entry) {
        const line = this.lines[this.i];
        if (!line || line.indent < indent) return out;
        if (line.indent > indent) return BAIL;
        const k = keyOf(line.text);
        if (!k || k === BAIL) return BAIL;
        this.i++;
        entry = k;
      }
      const { key, rest } = entry;
      entry = undefined;
      const name = String(this.plain(key));
      if (name === '__proto__' || name === '<<' || Object.prototype.hasOwnProperty.call(out, name)) return BAIL;
      const r = rest.trimStart();
      let v: unknown;
      if (r === '' || r.startsWith('#')) v = this.nested(indent, true);
      else {
        v = this.value(r);
        const next = this.lines[this.i];
        if (next && next.indent > indent) return BAIL;
      }
      if (v === BAIL) return BAIL;
      out[name] = v;
    }
  }
}

function isItem(text: string): boolean {
  return text.charCodeAt(0) === 0x2d /* - */ && (text.length === 1 || text.charCodeAt(1) === 0x20);
}

/** Characters a plain key may not start with (indicators). */
const KEY_START_BAD = new Set([...'-?:,[]{}#&*!|>\'"%@`'].map((c) => c.charCodeAt(0)));

/** "key: rest" or "key:" with a plain key; null when the text is no mapping entry, BAIL when it is one this reader does not read. */
function keyOf(text: string): { key: string; rest: string } | null | Bail {
  const colon = text.indexOf(':');
  if (colon < 0) return null;
  if (colon + 1 < text.length && text.charCodeAt(colon + 1) !== 0x20) {
    // "a:b" inside a key or a value ("image: nginx:1.27" has its first colon right).
    const sep = text.indexOf(': ');
    if (sep < 0 && !text.endsWith(':')) return null;
    return BAIL;
  }
  if (colon === 0 || KEY_START_BAD.has(text.charCodeAt(0))) return BAIL;
  for (let i = 0; i < colon; i++) {
    const c = text.charCodeAt(i);
    // No tabs; no spaces at the end; no comment (" #").
    if (c === 0x09 || (c === 0x20 && (i === colon - 1 || text.charCodeAt(i + 1) === 0x23))) return BAIL;
  }
  return { key: text.slice(0, colon), rest: text.slice(colon + 1) };
}

function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) < 0x20) return true;
  return false;
}

const JSON_ESCAPES = /\\(?!["\\/bfnrt]|u[0-9a-fA-F]{4})/;

/** A quoted scalar that ends on its line (then only a comment may follow), or BAIL. */
function quoted(raw: string): unknown {
  const q = raw[0] as string;
  let end = -1;
  if (q === "'") {
    for (let i = 1; i < raw.length; i++) {
      if (raw[i] === "'") {
        if (raw[i + 1] === "'") i++;
        else {
          end = i;
          break;
        }
      }
    }
  } else {
    for (let i = 1; i < raw.length; i++) {
      if (raw[i] === '\\') i++;
      else if (raw[i] === '"') {
        end = i;
        break;
      }
    }
  }
  if (end < 0) return BAIL;
  const after = raw.slice(end + 1).trimEnd();
  if (after && !/^\s+#/.test(after)) return BAIL;
  const body = raw.slice(1, end);
  if (q === "'") return body.replace(/''/g, "'");
  if (JSON_ESCAPES.test(body) || hasControl(body)) return BAIL;
  try {
    return JSON.parse(`"${body}"`) as string;
  } catch {
    return BAIL;
  }
}

/**
 * The non-empty documents of `text`, or undefined when the text holds something this
 * reader does not read exactly as js-yaml would.
 */
export function readBlockYaml(text: string, types: readonly ImplicitType[]): unknown[] | undefined {
  if (text.includes('\r') || text.charCodeAt(0) === 0xfeff) return undefined;
  const docs: Line[][] = [];
  let cur: Line[] = [];
  for (const raw of text.split('\n')) {
    const c0 = raw.charCodeAt(0);
    if ((c0 === 0x2d || c0 === 0x2e) && (raw.startsWith('---') || raw.startsWith('...'))) {
      if (raw.length === 3 || /^(---|\.\.\.)\s+(#.*)?$/.test(raw)) {
        docs.push(cur);
        cur = [];
        continue;
      }
      if (raw.startsWith('---')) return undefined; // content after the marker
    }
    if (c0 === 0x25 /* % */) return undefined;
    let indent = 0;
    while (raw.charCodeAt(indent) === 0x20) indent++;
    if (indent === raw.length) continue;
    const first = raw.charCodeAt(indent);
    if (first === 0x23 /* # */) continue;
    if (first === 0x09) {
      if (raw.trim() === '') continue;
      return undefined;
    }
    const last = raw.charCodeAt(raw.length - 1);
    const body = indent ? raw.slice(indent) : raw;
    cur.push({ indent, text: last === 0x20 || last === 0x09 ? body.trimEnd() : body });
  }
  docs.push(cur);
  const out: unknown[] = [];
  for (const lines of docs) {
    if (!lines.length) continue;
    const r = new Reader(lines, types);
    const first = lines[0] as Line;
    // A document is a block mapping or sequence (a lone scalar is left to js-yaml).
    if (!isItem(first.text) && !keyOf(first.text)) return undefined;
    const v = r.node(first.indent);
    if (v === BAIL || r.i !== lines.length) return undefined;
    out.push(v);
  }
  return out;
}
