/**
 * Just enough PEM/DER reading to tell whether a TLS Secret holds a parseable, unexpired
 * certificate and a private key (the checks behind IST0161). Pure: no crypto, no Node.
 */

export interface CertInfo {
  notBefore: number;
  notAfter: number;
}

export function base64ToBytes(b64: string): Uint8Array | undefined {
  const clean = b64.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) return undefined;
  try {
    const bin = atob(clean);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return undefined;
  }
}

export function bytesToLatin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i] as number);
  return s;
}

export interface PemBlock {
  type: string;
  der: Uint8Array;
}

export function pemBlocks(text: string): PemBlock[] {
  const out: PemBlock[] = [];
  const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const der = base64ToBytes(m[2] ?? '');
    if (der && m[1]) out.push({ type: m[1], der });
  }
  return out;
}

interface Tlv {
  tag: number;
  start: number; // content start
  end: number; // content end
}

function readTlv(b: Uint8Array, pos: number): Tlv | undefined {
  if (pos + 2 > b.length) return undefined;
  const tag = b[pos] as number;
  let len = b[pos + 1] as number;
  let p = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || p + n > b.length) return undefined;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (b[p + i] as number);
    p += n;
  }
  if (p + len > b.length) return undefined;
  return { tag, start: p, end: p + len };
}

function children(b: Uint8Array, t: Tlv): Tlv[] | undefined {
  const out: Tlv[] = [];
  let p = t.start;
  while (p < t.end) {
    const c = readTlv(b, p);
    if (!c || c.end > t.end) return undefined;
    out.push(c);
    p = c.end;
  }
  return out;
}

function parseTime(b: Uint8Array, t: Tlv): number | undefined {
  const s = bytesToLatin1(b.subarray(t.start, t.end));
  let m: RegExpMatchArray | null;
  if (t.tag === 0x17 && (m = s.match(/^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/))) {
    const yy = Number(m[1]);
    return Date.UTC(yy < 50 ? 2000 + yy : 1900 + yy, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
  }
  if (t.tag === 0x18 && (m = s.match(/^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:\.\d+)?Z$/))) {
    return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
  }
  return undefined;
}

/** Validity of an X.509 certificate (DER), or undefined when it does not parse as one. */
export function parseCertificate(der: Uint8Array): CertInfo | undefined {
  const cert = readTlv(der, 0);
  if (!cert || cert.tag !== 0x30) return undefined;
  const parts = children(der, cert);
  if (!parts || parts.length < 3 || parts[0]?.tag !== 0x30) return undefined;
  const tbs = children(der, parts[0]);
  if (!tbs) return undefined;
  let i = 0;
  if (tbs[0]?.tag === 0xa0) i = 1; // explicit version
  // serialNumber, signature, issuer, validity
  const validity = tbs[i + 3];
  if (!validity || validity.tag !== 0x30 || tbs[i]?.tag !== 0x02) return undefined;
  const v = children(der, validity);
  if (!v || v.length !== 2 || !v[0] || !v[1]) return undefined;
  const nb = parseTime(der, v[0]);
  const na = parseTime(der, v[1]);
  if (nb === undefined || na === undefined) return undefined;
  return { notBefore: nb, notAfter: na };
}

/** Why a cert/key pair (PEM text) cannot be served, or undefined when it looks fine. */
export function certificateProblem(certPem: string, keyPem: string, now: number): string | undefined {
  const certs = pemBlocks(certPem).filter((b) => b.type === 'CERTIFICATE');
  if (!certs.length) return 'the certificate is not a PEM-encoded X.509 certificate';
  const first = certs[0];
  const info = first ? parseCertificate(first.der) : undefined;
  if (!info) return 'the certificate cannot be parsed';
  if (info.notAfter < now) return `the certificate expired on ${new Date(info.notAfter).toISOString()}`;
  if (info.notBefore > now) return `the certificate is not valid before ${new Date(info.notBefore).toISOString()}`;
  const keys = pemBlocks(keyPem).filter((b) => /PRIVATE KEY$/.test(b.type));
  if (!keys.length) return 'the private key is not a PEM-encoded private key';
  const k = keys[0];
  if (!k || readTlv(k.der, 0)?.tag !== 0x30) return 'the private key cannot be parsed';
  return undefined;
}
