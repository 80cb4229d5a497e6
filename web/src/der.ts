// Just enough ASN.1 DER for certificate login in the browser: PEM blocks, a reader of
// tag-length-value elements, object identifiers, a few encoders (to wrap a SEC1 or PKCS#1 key as
// PKCS#8 and an ECDSA signature as SEQUENCE{r, s}), and the parts of an X.509 certificate the login
// page shows (subject, validity, public key) and times (for what 文件签名 reads back from the CMS
// signature the kernel assembled). Not a general ASN.1 library: no BER, no indefinite
// lengths, nothing is validated beyond what is read. Pure functions.

/** One DER element: its tag byte, where its contents are, and the whole encoding. */
export interface DerNode {
  tag: number;
  /** The contents (without tag and length). */
  value: Uint8Array;
  /** Tag, length and contents. */
  raw: Uint8Array;
}

export class DerError extends Error {}

export const TAG = {
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  sequence: 0x30,
  set: 0x31,
  context0: 0xa0,
  context1: 0xa1,
} as const;

/** The element starting at `at`, and where the next one starts. */
export function readNode(bytes: Uint8Array, at = 0): { node: DerNode; next: number } {
  if (at + 2 > bytes.length) throw new DerError('数据不完整');
  const tag = bytes[at];
  let len = bytes[at + 1];
  let pos = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || pos + n > bytes.length) throw new DerError('长度编码无效');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + bytes[pos + i];
    pos += n;
  }
  if (pos + len > bytes.length) throw new DerError('数据不完整');
  return { node: { tag, value: bytes.subarray(pos, pos + len), raw: bytes.subarray(at, pos + len) }, next: pos + len };
}

/** The elements inside a constructed element (SEQUENCE, SET, [n]). */
export function children(node: DerNode): DerNode[] {
  const out: DerNode[] = [];
  let at = 0;
  while (at < node.value.length) {
    const { node: child, next } = readNode(node.value, at);
    out.push(child);
    at = next;
  }
  return out;
}

/** The single top-level element of `bytes`, which must be of tag `tag`. */
export function parseTop(bytes: Uint8Array, tag: number): DerNode {
  const { node } = readNode(bytes, 0);
  if (node.tag !== tag) throw new DerError('结构不符');
  return node;
}

/** Dotted text of an OBJECT IDENTIFIER's contents, e.g. "1.2.156.10197.1.301". */
export function oidText(value: Uint8Array): string {
  if (value.length === 0) throw new DerError('对象标识为空');
  const parts = [Math.min(2, Math.floor(value[0] / 40)), value[0] - Math.min(2, Math.floor(value[0] / 40)) * 40];
  let n = 0;
  for (let i = 1; i < value.length; i++) {
    n = n * 128 + (value[i] & 0x7f);
    if (!(value[i] & 0x80)) {
      parts.push(n);
      n = 0;
    }
  }
  return parts.join('.');
}

export const OID = {
  ecPublicKey: '1.2.840.10045.2.1',
  prime256v1: '1.2.840.10045.3.1.7',
  sm2: '1.2.156.10197.1.301',
  rsaEncryption: '1.2.840.113549.1.1.1',
  commonName: '2.5.4.3',
  serialNumber: '2.5.4.5',
  organization: '2.5.4.10',
} as const;

// ---- Encoding -------------------------------------------------------------------------------

function lengthBytes(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  while (n > 0) {
    out.unshift(n & 0xff);
    n = Math.floor(n / 256);
  }
  return [0x80 | out.length, ...out];
}

/** Tag, length and contents as one element. */
export function encode(tag: number, ...contents: Uint8Array[]): Uint8Array {
  const size = contents.reduce((s, c) => s + c.length, 0);
  const head = [tag, ...lengthBytes(size)];
  const out = new Uint8Array(head.length + size);
  out.set(head, 0);
  let at = head.length;
  for (const c of contents) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** The contents of an OBJECT IDENTIFIER for dotted text. */
export function encodeOid(text: string): Uint8Array {
  const parts = text.split('.').map(Number);
  const out = [parts[0] * 40 + parts[1]];
  for (const p of parts.slice(2)) {
    const group = [p & 0x7f];
    let v = Math.floor(p / 128);
    while (v > 0) {
      group.unshift(0x80 | (v & 0x7f));
      v = Math.floor(v / 128);
    }
    out.push(...group);
  }
  return encode(TAG.oid, new Uint8Array(out));
}

/** A non-negative INTEGER from big-endian bytes: leading zeros dropped, a 0x00 added before a high bit. */
export function encodeUnsignedInteger(bytes: Uint8Array): Uint8Array {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const trimmed = bytes.subarray(start);
  return trimmed[0] & 0x80 ? encode(TAG.integer, new Uint8Array([0]), trimmed) : encode(TAG.integer, trimmed);
}

// ---- PEM ------------------------------------------------------------------------------------

export interface PemBlock {
  label: string;
  der: Uint8Array;
}

export function base64ToBytes(b64: string): Uint8Array {
  const text = atob(b64.replace(/\s+/g, ''));
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

export function bytesToBase64(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

export function bytesToHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function hexToBytes(hex: string): Uint8Array {
  if (hex.length % 2 || /[^0-9a-fA-F]/.test(hex)) throw new DerError('不是十六进制数据');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Every "-----BEGIN X-----" block of a text, in order. */
export function pemBlocks(text: string): PemBlock[] {
  const out: PemBlock[] = [];
  const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    // Headers such as "Proc-Type:" (legacy encrypted keys) come before a blank line.
    const body = m[2].includes(':') ? m[2].slice(m[2].search(/\r?\n\r?\n/) + 1) : m[2];
    try {
      out.push({ label: m[1], der: base64ToBytes(body) });
    } catch {
      throw new DerError(`“${m[1]}”块不是有效的 Base64 数据`);
    }
  }
  return out;
}

export function toPem(label: string, der: Uint8Array): string {
  const lines = bytesToBase64(der).match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

// ---- X.509 ----------------------------------------------------------------------------------

export interface CertificateInfo {
  commonName: string;
  organization: string;
  /** The subject's serialNumber attribute: a citizen ID or a unified social credit code. */
  serialNumber: string;
  notBefore: Date | null;
  notAfter: Date | null;
  /** Algorithm OID of the public key, and for EC keys the curve OID. */
  keyAlgorithm: string;
  keyCurve: string;
  /** EC: the uncompressed point; RSA: the RSAPublicKey SEQUENCE. */
  publicKey: Uint8Array;
}

function text(node: DerNode): string {
  if (node.tag === 0x1e) {
    // BMPString: UTF-16BE
    let s = '';
    for (let i = 0; i + 1 < node.value.length; i += 2) s += String.fromCharCode(node.value[i] * 256 + node.value[i + 1]);
    return s;
  }
  return new TextDecoder().decode(node.value);
}

/** A UTCTime or GeneralizedTime (in UTC, "Z"; a GeneralizedTime may have fractions of a second), or null. */
export function derTime(node: DerNode): Date | null {
  const s = new TextDecoder().decode(node.value);
  const m =
    node.tag === 0x17
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s)
      : node.tag === 0x18
        ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d+))?Z$/.exec(s)
        : null;
  if (!m) return null;
  let year = Number(m[1]);
  if (node.tag === 0x17) year += year < 50 ? 2000 : 1900;
  const ms = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
  return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), ms));
}

/** AlgorithmIdentifier SEQUENCE { OID, params }: the OID and, when the params are an OID, that. */
export function algorithm(node: DerNode): { oid: string; param: string } {
  const [alg, param] = children(node);
  if (!alg || alg.tag !== TAG.oid) throw new DerError('算法标识无效');
  return { oid: oidText(alg.value), param: param && param.tag === TAG.oid ? oidText(param.value) : '' };
}

/** The subject, validity and public key of a DER certificate. */
export function parseCertificate(der: Uint8Array): CertificateInfo {
  const cert = parseTop(der, TAG.sequence);
  const [tbs] = children(cert);
  if (!tbs || tbs.tag !== TAG.sequence) throw new DerError('证书结构无效');
  const fields = children(tbs);
  const at = fields[0]?.tag === TAG.context0 ? 1 : 0; // [0] version is optional
  const validity = fields[at + 3];
  const subject = fields[at + 4];
  const spki = fields[at + 5];
  if (!validity || !subject || !spki) throw new DerError('证书结构无效');

  const info: CertificateInfo = {
    commonName: '',
    organization: '',
    serialNumber: '',
    notBefore: null,
    notAfter: null,
    keyAlgorithm: '',
    keyCurve: '',
    publicKey: new Uint8Array(),
  };
  for (const rdn of children(subject)) {
    for (const attr of children(rdn)) {
      const [type, value] = children(attr);
      if (!type || !value) continue;
      const oid = oidText(type.value);
      if (oid === OID.commonName) info.commonName = text(value);
      else if (oid === OID.organization) info.organization = text(value);
      else if (oid === OID.serialNumber) info.serialNumber = text(value);
    }
  }
  const [from, to] = children(validity);
  info.notBefore = from ? derTime(from) : null;
  info.notAfter = to ? derTime(to) : null;

  const [alg, bits] = children(spki);
  if (!alg || !bits || bits.tag !== TAG.bitString) throw new DerError('证书公钥无效');
  const a = algorithm(alg);
  info.keyAlgorithm = a.oid;
  info.keyCurve = a.param;
  info.publicKey = bits.value.subarray(1); // skip the unused-bits byte
  return info;
}
