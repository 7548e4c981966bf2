/**
 * A reader for the block YAML that Kubernetes manifests are written in (what kubectl,
 * Helm and Kustomize print): documents of block mappings and sequences, plain and quoted
 * one-line scalars, `[]`, `{}` and one-line flow lists of plain scalars, comments. It reads
 * the same values as js-yaml (scalars resolved by the schema's own implicit types) and
 * gives up (undefined) on anything else: anchors, tags, block and multi-line scalars,
 * nested flow collections, complex or duplicate keys, tabs, CRLF, unusual white space.
 * The caller then reads the text with js-yaml or the yaml package, which also word the
 * errors.
 *
 * It works on offsets into the text (no string per line, no object per entry), and keeps
 * no positions while reading: `position()` reads the one document again, noting where
 * each key and item starts, only for what is reported. Node-only by use (the CLI), pure
 * by nature.
 */
import { parsePath, type FieldPath } from '../istio/fieldPath';

/** A scalar type of the schema: `resolve` says whether a plain scalar is one, `construct` makes the value. */
export interface ImplicitType {
  resolve: (data: string) => boolean;
  construct: (data: string) => unknown;
}
// Note: plain() assumes the types are the YAML 1.2 core schema's (null, bool, int, float).

const BAIL = Symbol('bail');

function table(chars: string): Uint8Array {
  const t = new Uint8Array(128);
  for (const ch of chars) t[ch.charCodeAt(0)] = 1;
  return t;
}

/** First characters of the core schema's null, bool, int and float scalars. */
const MAY_NOT_BE_STRING = table('~nNtTfF+-.0123456789');
/** Characters a plain value may not start with: flow mappings, anchors, aliases, tags, block scalars, directives, reserved. */
const VALUE_START_BAD = table('{}],&*!|>%@`#');
/** Characters a plain key may not start with (indicators). */
const KEY_START_BAD = table('-?:,[]{}#&*!|>\'"%@`');
/** What a one-line flow list of plain scalars may not hold. */
const FLOW_BAD = table('[]{}\'"#\t');
/** What a flow list item may not start with. */
const FLOW_ITEM_START_BAD = table('&*!|>%@`');

const SP = 0x20;
const TAB = 0x09;

/**
 * White space that String.prototype.trim strips besides spaces, tabs and line ends: what
 * YAML makes of it is not this reader's business, so it gives up where it meets one.
 */
function isOtherSpace(c: number): boolean {
  if (c < 0x80) return c === 0x0b || c === 0x0c;
  return (
    c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

/** The content lines of a stretch of text: offsets of their first and after-last characters, indentation, 1-based line number. */
interface Lines {
  cs: number[];
  ce: number[];
  ind: number[];
  no: number[];
}

/** A non-empty document: where its text is, and where the yaml package says it starts. */
interface DocSpan {
  /** Offsets of its text, between its markers. */
  start: number;
  end: number;
  /** The line number of the line at `start`. */
  line: number;
  /** Its "---" line (1-based), or 0 when it has none. */
  marker: number;
  /** Where its content starts. */
  contentLine: number;
  contentColumn: number;
}

const MARKER = /^(---|\.\.\.)[ \t]+(#.*)?$/;
/** Characters YAML does not allow in a stream (js-yaml's own pattern): js-yaml words the error. */
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const NON_PRINTABLE = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:[^\uD800-\uDBFF]|^)[\uDC00-\uDFFF]/;

/**
 * The content lines of text[from, to), split into documents at "---" and "..." lines
 * (`markers`), or undefined when a line is one this reader does not read.
 */
function scan(
  text: string,
  from: number,
  to: number,
  line0: number,
  markers: boolean,
): { lines: Lines; docs: Array<{ from: number; to: number; start: number; end: number; line: number; marker: number }> } | undefined {
  const cs: number[] = [];
  const ce: number[] = [];
  const ind: number[] = [];
  const no: number[] = [];
  const docs: Array<{ from: number; to: number; start: number; end: number; line: number; marker: number }> = [];
  let docFrom = 0;
  let docStart = from;
  let docLine = line0;
  let marker = 0;
  let pos = from;
  let lineNo = line0 - 1;
  while (pos <= to) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0 || nl > to) nl = to;
    lineNo++;
    const start = pos;
    pos = nl + 1;
    const c0 = text.charCodeAt(start);
    if (markers && (c0 === 0x2d || c0 === 0x2e) && nl - start >= 3 && text.charCodeAt(start + 1) === c0 && text.charCodeAt(start + 2) === c0) {
      if (nl - start === 3 || MARKER.test(text.slice(start, nl))) {
        docs.push({ from: docFrom, to: cs.length, start: docStart, end: start, line: docLine, marker });
        docFrom = cs.length;
        docStart = Math.min(pos, to);
        docLine = lineNo + 1;
        marker = c0 === 0x2d ? lineNo : 0;
        continue;
      }
      return undefined; // content after a marker, or a key that looks like one
    }
    if (c0 === 0x25 /* % */) return undefined;
    let i = start;
    while (i < nl && text.charCodeAt(i) === SP) i++;
    if (i === nl) continue;
    const first = text.charCodeAt(i);
    if (first === 0x23 /* # */) continue;
    if (first === TAB) {
      // A line of tabs and spaces is blank; anything else indented with a tab is not read here.
      let j = i;
      while (j < nl && (text.charCodeAt(j) === TAB || text.charCodeAt(j) === SP)) j++;
      if (j === nl) continue;
      return undefined;
    }
    let e = nl;
    while (e > i && (text.charCodeAt(e - 1) === SP || text.charCodeAt(e - 1) === TAB)) e--;
    if (isOtherSpace(text.charCodeAt(e - 1))) return undefined;
    cs.push(i);
    ce.push(e);
    ind.push(i - start);
    no.push(lineNo);
  }
  docs.push({ from: docFrom, to: cs.length, start: docStart, end: to, line: docLine, marker });
  return { lines: { cs, ce, ind, no }, docs };
}

/** Where keys and items start (line, column), noted when a document is read for positions. */
class Track {
  readonly keys = new Map<object, Map<string, [number, number]>>();
  readonly items = new Map<unknown[], Array<[number, number]>>();
}

class Reader {
  i = 0;
  to = 0;
  private readonly cs: number[];
  private readonly ce: number[];
  private readonly ind: number[];
  private readonly no: number[];
  constructor(
    private readonly text: string,
    lines: Lines,
    private readonly types: readonly ImplicitType[],
    private readonly track?: Track,
  ) {
    this.cs = lines.cs;
    this.ce = lines.ce;
    this.ind = lines.ind;
    this.no = lines.no;
  }

  /** The document of lines [from, to), or BAIL. */
  document(from: number, to: number): unknown {
    this.i = from;
    this.to = to;
    const s = this.cs[from]!;
    const e = this.ce[from]!;
    // A document is a block mapping or sequence (a lone scalar is left to js-yaml).
    if (!this.isItem(s, e) && this.keyAt(s, e) === -1) return BAIL;
    const v = this.node(this.ind[from]!);
    return this.i === to ? v : BAIL;
  }

  private isItem(s: number, e: number): boolean {
    return this.text.charCodeAt(s) === 0x2d /* - */ && (e - s === 1 || this.text.charCodeAt(s + 1) === SP);
  }

  private plain(s: string): unknown {
    // Only "~", null, true/false, numbers (a sign, a dot or a digit first) are not strings in the core schema.
    const c = s.charCodeAt(0);
    if (c >= 0x80 || !MAY_NOT_BE_STRING[c]) return s;
    // Of the words, only null, true and false (three spellings each) are not strings.
    if (c >= 0x41 && c !== 0x7e && s.length !== 4 && s.length !== 5) return s;
    for (const t of this.types) if (t.resolve(s)) return t.construct(s);
    return s;
  }

  /**
   * "key: rest" or "key:" with a plain key in text[s, e): the colon's offset; -1 when the
   * text is no mapping entry, -2 when it is one this reader does not read.
   */
  private keyAt(s: number, e: number): number {
    const t = this.text;
    let colon = -1;
    for (let i = s; i < e; i++)
      if (t.charCodeAt(i) === 0x3a) {
        colon = i;
        break;
      }
    if (colon < 0) return -1;
    if (colon + 1 < e && t.charCodeAt(colon + 1) !== SP) {
      // "a:b" inside a key or a value ("image: nginx:1.27" has its first colon right).
      for (let i = colon + 1; i + 1 < e; i++) if (t.charCodeAt(i) === 0x3a && t.charCodeAt(i + 1) === SP) return -2;
      return t.charCodeAt(e - 1) === 0x3a ? -2 : -1;
    }
    const c0 = t.charCodeAt(s);
    if (colon === s || (c0 < 0x80 && KEY_START_BAD[c0])) return -2;
    for (let i = s; i < colon; i++) {
      const c = t.charCodeAt(i);
      // No tabs; no spaces at the end; no comment (" #").
      if (c === TAB || (c === SP && (i === colon - 1 || t.charCodeAt(i + 1) === 0x23))) return -2;
    }
    return colon;
  }

  /** Past spaces and tabs from s; -1 at other white space. */
  private skipSpace(s: number, e: number, tabs: boolean): number {
    const t = this.text;
    while (s < e) {
      const c = t.charCodeAt(s);
      if (c === SP || (tabs && c === TAB)) s++;
      else if (c === TAB || isOtherSpace(c)) return -1;
      else break;
    }
    return s;
  }

  /** A scalar, `[]`, `{}` or a flow list of plain scalars in text[s, e), its comment cut off; BAIL when unsure. */
  private value(s: number, e: number): unknown {
    const t = this.text;
    const c = t.charCodeAt(s);
    if (c === 0x27 /* ' */ || c === 0x22 /* " */) return this.quoted(s, e);
    let end = e;
    for (let j = s + 1; j < e; j++)
      if (t.charCodeAt(j) === 0x23 && t.charCodeAt(j - 1) === SP) {
        end = j - 1;
        while (end > s && (t.charCodeAt(end - 1) === SP || t.charCodeAt(end - 1) === TAB)) end--;
        if (end > s && isOtherSpace(t.charCodeAt(end - 1))) return BAIL;
        break;
      }
    if (end === s) return null;
    if (c === 0x5b /* [ */) return end - s === 2 && t.charCodeAt(s + 1) === 0x5d ? this.list([]) : this.flowList(s, end);
    if (c === 0x7b && end - s === 2 && t.charCodeAt(s + 1) === 0x7d) return this.map({});
    // Indicators that start something this reader does not read (flow mappings, anchors,
    // aliases, tags, block scalars, directives, reserved) or a nested block.
    if (c < 0x80 && VALUE_START_BAD[c]) return BAIL;
    if ((c === 0x2d || c === 0x3f || c === 0x3a) && (end - s === 1 || t.charCodeAt(s + 1) === SP)) return BAIL;
    for (let j = s; j < end; j++) {
      const ch = t.charCodeAt(j);
      if (ch === TAB || (ch === 0x3a && j + 1 < end && t.charCodeAt(j + 1) === SP)) return BAIL;
    }
    if (t.charCodeAt(end - 1) === 0x3a) return BAIL;
    return this.plain(t.slice(s, end));
  }

  private flowList(s: number, e: number): unknown {
    const t = this.text;
    if (t.charCodeAt(e - 1) !== 0x5d) return BAIL;
    for (let j = s + 1; j < e - 1; j++) {
      const ch = t.charCodeAt(j);
      if ((ch < 0x80 && FLOW_BAD[ch]) || isOtherSpace(ch)) return BAIL;
    }
    const out: unknown[] = [];
    const where: Array<[number, number]> | undefined = this.track ? [] : undefined;
    let ps = s + 1;
    for (;;) {
      let pe = ps;
      while (pe < e - 1 && t.charCodeAt(pe) !== 0x2c) pe++;
      let a = ps;
      let b = pe;
      while (a < b && t.charCodeAt(a) === SP) a++;
      while (b > a && t.charCodeAt(b - 1) === SP) b--;
      if (a === b) return BAIL;
      const c = t.charCodeAt(a);
      if ((c === 0x2d || c === 0x3f || c === 0x3a) && (b - a === 1 || t.charCodeAt(a + 1) === SP)) return BAIL;
      if (c < 0x80 && FLOW_ITEM_START_BAD[c]) return BAIL;
      for (let j = a; j + 1 < b; j++) if (t.charCodeAt(j) === 0x3a && t.charCodeAt(j + 1) === SP) return BAIL;
      if (t.charCodeAt(b - 1) === 0x3a) return BAIL;
      out.push(this.plain(t.slice(a, b)));
      where?.push([this.no[this.i - 1]!, this.column(this.i - 1, a)]);
      if (pe >= e - 1) break;
      ps = pe + 1;
    }
    if (where) this.track!.items.set(out, where);
    return out;
  }

  private list(v: unknown[]): unknown[] {
    this.track?.items.set(v, []);
    return v;
  }

  private map(v: Record<string, unknown>): Record<string, unknown> {
    this.track?.keys.set(v, new Map());
    return v;
  }

  /** The 1-based column of offset `at` on content line k. */
  private column(k: number, at: number): number {
    return at - (this.cs[k]! - this.ind[k]!) + 1;
  }

  /** A quoted scalar in text[s, e) that ends on its line (then only a comment may follow), or BAIL. */
  private quoted(s: number, e: number): unknown {
    const t = this.text;
    const q = t.charCodeAt(s);
    let end = -1;
    let escapes = false;
    if (q === 0x27) {
      for (let i = s + 1; i < e; i++) {
        if (t.charCodeAt(i) === 0x27) {
          if (i + 1 < e && t.charCodeAt(i + 1) === 0x27) {
            i++;
            escapes = true;
          } else {
            end = i;
            break;
          }
        }
      }
    } else {
      for (let i = s + 1; i < e; i++) {
        const c = t.charCodeAt(i);
        if (c === 0x5c) {
          i++;
          escapes = true;
        } else if (c === 0x22) {
          end = i;
          break;
        } else if (c < 0x20) return BAIL;
      }
    }
    if (end < 0) return BAIL;
    if (end + 1 < e) {
      const c = t.charCodeAt(end + 1);
      if (c !== SP && c !== TAB) return BAIL;
      const j = this.skipSpace(end + 1, e, true);
      if (j < 0 || (j < e && t.charCodeAt(j) !== 0x23)) return BAIL;
    }
    const body = t.slice(s + 1, end);
    if (q === 0x27) return escapes ? body.replace(/''/g, "'") : body;
    if (!escapes) return body;
    if (JSON_ESCAPES.test(body)) return BAIL;
    try {
      return JSON.parse(`"${body}"`) as string;
    } catch {
      return BAIL;
    }
  }

  /** The node that starts at the current line, which is indented by exactly `indent`. */
  private node(indent: number): unknown {
    const k = this.i;
    if (k >= this.to || this.ind[k] !== indent) return BAIL;
    return this.isItem(this.cs[k]!, this.ce[k]!) ? this.sequence(indent) : this.mapping(indent, -1, -1, -1, -1);
  }

  /** What follows "key:" or "-" with nothing after it: a nested node, or null. */
  private nested(parentIndent: number, allowSameIndentSequence: boolean): unknown {
    const k = this.i;
    if (k >= this.to || this.ind[k]! < parentIndent) return null;
    if (this.ind[k] === parentIndent) return allowSameIndentSequence && this.isItem(this.cs[k]!, this.ce[k]!) ? this.sequence(parentIndent) : null;
    return this.node(this.ind[k]!);
  }

  private sequence(indent: number): unknown {
    const out: unknown[] = [];
    const where: Array<[number, number]> | undefined = this.track ? [] : undefined;
    if (where) this.track!.items.set(out, where);
    for (;;) {
      const k = this.i;
      if (k >= this.to || this.ind[k]! < indent) return out;
      const ks = this.cs[k]!;
      const ke = this.ce[k]!;
      if (this.ind[k]! > indent || !this.isItem(ks, ke)) return BAIL;
      this.i++;
      const s = this.skipSpace(ks + 1, ke, false);
      if (s < 0) return BAIL;
      if (s === ke || this.text.charCodeAt(s) === 0x23) {
        const n = this.i;
        const v = this.nested(indent, false);
        if (v === BAIL) return BAIL;
        where?.push(v !== null && n < this.to ? [this.no[n]!, this.ind[n]! + 1] : [this.no[k]!, this.ind[k]! + 1]);
        out.push(v);
        continue;
      }
      if (this.isItem(s, ke)) return BAIL;
      where?.push([this.no[k]!, this.column(k, s)]);
      const colon = this.keyAt(s, ke);
      if (colon === -2) return BAIL;
      if (colon >= 0) {
        // A mapping that starts on the item's line, indented by where its first key is.
        const v = this.mapping(this.column(k, s) - 1, s, colon, ke, k);
        if (v === BAIL) return BAIL;
        out.push(v);
        continue;
      }
      const v = this.value(s, ke);
      if (v === BAIL) return BAIL;
      if (this.i < this.to && this.ind[this.i]! > indent) return BAIL; // a multi-line scalar, or something this reader does not follow
      out.push(v);
    }
  }

  /** A mapping at `indent`; its first entry is text[ks, ke) on line kl (colon at `colon`) when ks >= 0. */
  private mapping(indent: number, ks: number, colon: number, ke: number, kl: number): unknown {
    const out: Record<string, unknown> = {};
    const where = this.track ? new Map<string, [number, number]>() : undefined;
    if (where) this.track!.keys.set(out, where);
    const t = this.text;
    for (;;) {
      if (ks < 0) {
        const k = this.i;
        if (k >= this.to || this.ind[k]! < indent) return out;
        if (this.ind[k]! > indent) return BAIL;
        ks = this.cs[k]!;
        ke = this.ce[k]!;
        colon = this.keyAt(ks, ke);
        if (colon < 0) return BAIL;
        this.i++;
        kl = k;
      }
      const name = String(this.plain(t.slice(ks, colon)));
      if (name === '__proto__' || name === '<<' || Object.hasOwn(out, name)) return BAIL;
      const r = this.skipSpace(colon + 1, ke, true);
      if (r < 0) return BAIL;
      let v: unknown;
      if (r === ke || t.charCodeAt(r) === 0x23) v = this.nested(indent, true);
      else {
        v = this.value(r, ke);
        if (this.i < this.to && this.ind[this.i]! > indent) return BAIL;
      }
      if (v === BAIL) return BAIL;
      out[name] = v;
      where?.set(name, [this.no[kl]!, this.column(kl, ks)]);
      ks = -1;
    }
  }
}

const JSON_ESCAPES = /\\(?!["\\/bfnrt]|u[0-9a-fA-F]{4})/;

/** The documents of a file read by readBlockYamlFile, and where things are in them. */
export interface BlockYamlFile {
  /** The non-empty documents' values. */
  values: unknown[];
  /**
   * Where the index-th document starts, or the field at `path` in it (its key, or the
   * item; the deepest part of the path that exists), as the yaml package places them.
   */
  position(index: number, path?: string | FieldPath): { line: number; column: number };
}

/**
 * The non-empty documents of `text` with a way to find positions in them, or undefined
 * when the text holds something this reader does not read exactly as js-yaml would.
 */
export function readBlockYamlFile(text: string, types: readonly ImplicitType[]): BlockYamlFile | undefined {
  if (text.includes('\r') || text.charCodeAt(0) === 0xfeff || NON_PRINTABLE.test(text)) return undefined;
  const scanned = scan(text, 0, text.length, 1, true);
  if (!scanned) return undefined;
  const { lines, docs } = scanned;
  const reader = new Reader(text, lines, types);
  const values: unknown[] = [];
  const spans: DocSpan[] = [];
  for (const d of docs) {
    if (d.from === d.to) continue;
    const v = reader.document(d.from, d.to);
    if (v === BAIL) return undefined;
    values.push(v);
    spans.push({ start: d.start, end: d.end, line: d.line, marker: d.marker, contentLine: lines.no[d.from]!, contentColumn: lines.ind[d.from]! + 1 });
  }
  const tracked = new Map<number, { value: unknown; track: Track } | null>();
  const read = (index: number) => {
    let r = tracked.get(index);
    if (r === undefined) {
      const span = spans[index]!;
      const again = scan(text, span.start, span.end, span.line, false);
      const track = new Track();
      const value = again ? new Reader(text, again.lines, types, track).document(0, again.lines.cs.length) : BAIL;
      r = value === BAIL ? null : { value, track };
      tracked.set(index, r);
    }
    return r;
  };
  return {
    values,
    position(index, path) {
      const span = spans[index];
      if (!span) return { line: 1, column: 1 };
      const segs = path ? parsePath(path) : [];
      if (!segs.length) return span.marker ? { line: span.marker, column: 1 } : { line: span.contentLine, column: span.contentColumn };
      let at: [number, number] = [span.contentLine, span.contentColumn];
      const r = read(index);
      if (!r) return { line: at[0], column: at[1] };
      let cur = r.value;
      for (const seg of segs) {
        if (Array.isArray(cur)) {
          const item = typeof seg === 'number' ? r.track.items.get(cur)?.[seg] : undefined;
          if (!item) break;
          at = item;
          cur = cur[seg as number];
        } else if (cur && typeof cur === 'object') {
          const key = r.track.keys.get(cur)?.get(String(seg));
          if (!key) break;
          at = key;
          cur = (cur as Record<string, unknown>)[String(seg)];
        } else break;
      }
      return { line: at[0], column: at[1] };
    },
  };
}

/**
 * The non-empty documents of `text`, or undefined when the text holds something this
 * reader does not read exactly as js-yaml would.
 */
export function readBlockYaml(text: string, types: readonly ImplicitType[]): unknown[] | undefined {
  return readBlockYamlFile(text, types)?.values;
}
