// 数字证书登录 in the browser: read the applicant's certificate (PEM, possibly a chain, or one DER
// certificate) and private key (unencrypted PKCS#8 "BEGIN PRIVATE KEY", SEC1 "BEGIN EC PRIVATE KEY"
// or PKCS#1 "BEGIN RSA PRIVATE KEY"), check that the key belongs to the certificate, and sign the
// server's one-time nonce (the ASCII bytes of its hex text), or the signed attributes of a document
// signature (文件签名), the way the kernel verifies it:
//  - SM2 (curve OID 1.2.156.10197.1.301): SM3 with the signer's Z value and the distinguishing ID
//    "1234567812345678", DER SEQUENCE{r, s} (sm-crypto, pure JavaScript);
//  - ECDSA P-256 with SHA-256 (WebCrypto; its raw r||s is re-encoded as DER);
//  - RSA PKCS#1 v1.5 with SHA-256 (WebCrypto).
// The private key stays in this tab's memory: it is never sent anywhere, only the signature is.
// Every failure is a CertificateError whose message is Chinese and says what to do.
import {
  DerError,
  OID,
  TAG,
  algorithm,
  bytesToBase64,
  bytesToHex,
  children,
  encode,
  encodeOid,
  encodeUnsignedInteger,
  oidText,
  parseCertificate,
  parseTop,
  pemBlocks,
  toPem,
  type CertificateInfo,
  type DerNode,
} from './der';

/** The distinguishing ID of GM/T 0009 that the kernel uses for SM2 signatures. */
const SM2_USER_ID = '1234567812345678';

export class CertificateError extends Error {}

/** A private key ready to sign: SM2 as hex for sm-crypto, the others as PKCS#8 for WebCrypto. */
export type LoginKey =
  | { kind: 'sm2'; d: string; publicKey: string | null }
  | { kind: 'p256'; pkcs8: Uint8Array }
  | { kind: 'rsa'; pkcs8: Uint8Array };

export const KEY_LABELS: Record<LoginKey['kind'], string> = { sm2: 'SM2', p256: 'ECDSA P-256', rsa: 'RSA' };

/** The certificate chain to send (signer first, as PEM) and what the page shows of the signer. */
export interface CertificateFile {
  chain: string[];
  signer: CertificateInfo;
}

const PEM_TEXT = /-----BEGIN /;

/** Files bigger than this are not a certificate chain or a key. */
export const MAX_CREDENTIAL_FILE_BYTES = 200_000;

/** The bytes of a picked certificate or key file; `what` (证书文件, 私钥文件) names it in the CertificateError. */
export async function readCredentialFile(file: Blob, what: string): Promise<Uint8Array> {
  if (file.size > MAX_CREDENTIAL_FILE_BYTES) {
    throw new CertificateError(`所选${what}过大（${Math.ceil(file.size / 1024)} KB），请确认选择的文件是否正确。`);
  }
  try {
    return new Uint8Array(await file.arrayBuffer());
  } catch {
    throw new CertificateError(`无法读取所选${what}，请重新选择。`);
  }
}

/** Reads the certificate file: PEM certificates (the signer's first), or a single DER certificate. */
export function readCertificateFile(bytes: Uint8Array): CertificateFile {
  const text = new TextDecoder().decode(bytes);
  let ders: Uint8Array[];
  try {
    ders = PEM_TEXT.test(text)
      ? pemBlocks(text)
          .filter((b) => b.label === 'CERTIFICATE')
          .map((b) => b.der)
      : [bytes];
  } catch (e) {
    throw new CertificateError(`无法读取证书文件：${e instanceof Error ? e.message : '格式无效'}。`);
  }
  if (ders.length === 0) {
    throw new CertificateError(
      /PRIVATE KEY/.test(text)
        ? '所选“证书文件”是私钥文件。请在“证书文件”中选择证书（.pem / .crt / .cer），在“私钥文件”中选择私钥。'
        : '证书文件中没有找到证书（应为以“-----BEGIN CERTIFICATE-----”开头的 PEM 文件，或 DER 格式的 .cer 文件）。',
    );
  }
  if (ders.length > 5) throw new CertificateError('证书文件中的证书过多：证书链最多 5 张证书。');
  let signer: CertificateInfo;
  try {
    signer = parseCertificate(ders[0]);
    for (const d of ders.slice(1)) parseCertificate(d);
  } catch {
    throw new CertificateError('证书文件无法解析：不是有效的 X.509 证书。');
  }
  return { chain: ders.map((d) => toPem('CERTIFICATE', d)), signer };
}

function ecKey(sec1: DerNode, curveFromPkcs8: string, pkcs8: Uint8Array | null): LoginKey {
  const parts = children(sec1);
  const d = parts[1];
  if (!d || d.tag !== TAG.octetString) throw new DerError('EC 私钥结构无效');
  let curve = curveFromPkcs8;
  let publicKey: string | null = null;
  for (const p of parts.slice(2)) {
    const [inner] = children(p);
    if (p.tag === TAG.context0 && inner?.tag === TAG.oid && !curve) curve = oidText(inner.value);
    // Only an uncompressed point is compared with the certificate's as it stands.
    if (p.tag === TAG.context1 && inner?.tag === TAG.bitString && inner.value[1] === 0x04) {
      publicKey = bytesToHex(inner.value.subarray(1));
    }
  }
  if (curve === OID.sm2) return { kind: 'sm2', d: bytesToHex(d.value).padStart(64, '0'), publicKey };
  if (curve === OID.prime256v1) {
    const wrapped =
      pkcs8 ??
      encode(
        TAG.sequence,
        encode(TAG.integer, new Uint8Array([0])),
        encode(TAG.sequence, encodeOid(OID.ecPublicKey), encodeOid(OID.prime256v1)),
        encode(TAG.octetString, sec1.raw),
      );
    return { kind: 'p256', pkcs8: wrapped };
  }
  throw new CertificateError(
    `不支持该私钥的椭圆曲线（${curve || '未标明'}）。支持 SM2（1.2.156.10197.1.301）与 P-256 曲线。`,
  );
}

/** Reads the private key file; tells SM2 from P-256 by the curve OID in the key. */
export function readPrivateKeyFile(bytes: Uint8Array): LoginKey {
  const text = new TextDecoder().decode(bytes);
  if (/ENCRYPTED/.test(text)) {
    throw new CertificateError(
      '私钥文件已加密（口令保护）。请用证书工具导出未加密的 PKCS#8 私钥（以“-----BEGIN PRIVATE KEY-----”开头）后再选择；私钥只在本浏览器中使用。',
    );
  }
  let blocks;
  try {
    blocks = pemBlocks(text);
  } catch (e) {
    throw new CertificateError(`无法读取私钥文件：${e instanceof Error ? e.message : '格式无效'}。`);
  }
  const block = blocks.find((b) => /PRIVATE KEY$/.test(b.label));
  if (!block) {
    throw new CertificateError(
      blocks.some((b) => b.label === 'CERTIFICATE')
        ? '所选“私钥文件”是证书文件。请在“私钥文件”中选择与证书对应的私钥（PEM 格式）。'
        : '私钥文件中没有找到 PEM 格式的私钥（应以“-----BEGIN PRIVATE KEY-----”或“-----BEGIN EC PRIVATE KEY-----”开头）。',
    );
  }
  try {
    if (block.label === 'EC PRIVATE KEY') return ecKey(parseTop(block.der, TAG.sequence), '', null);
    if (block.label === 'RSA PRIVATE KEY') {
      const pkcs8 = encode(
        TAG.sequence,
        encode(TAG.integer, new Uint8Array([0])),
        encode(TAG.sequence, encodeOid(OID.rsaEncryption), encode(TAG.null)),
        encode(TAG.octetString, block.der),
      );
      return { kind: 'rsa', pkcs8 };
    }
    if (block.label !== 'PRIVATE KEY') throw new CertificateError(`不支持“${block.label}”格式的私钥。`);
    const [, alg, key] = children(parseTop(block.der, TAG.sequence));
    if (!alg || !key || key.tag !== TAG.octetString) throw new DerError('PKCS#8 结构无效');
    const a = algorithm(alg);
    if (a.oid === OID.rsaEncryption) return { kind: 'rsa', pkcs8: block.der };
    if (a.oid === OID.ecPublicKey || a.oid === OID.sm2) {
      return ecKey(parseTop(key.value, TAG.sequence), a.oid === OID.sm2 ? OID.sm2 : a.param, block.der);
    }
    throw new CertificateError(`不支持该私钥的算法（${a.oid}）。支持 SM2、ECDSA P-256 与 RSA。`);
  } catch (e) {
    if (e instanceof CertificateError) throw e;
    throw new CertificateError('私钥文件无法解析：不是有效的 PKCS#8 或 SEC1 私钥。');
  }
}

// ---- Signing --------------------------------------------------------------------------------

async function smCrypto() {
  return (await import('sm-crypto')).default;
}

function subtle(): SubtleCrypto {
  if (!globalThis.crypto?.subtle) {
    throw new CertificateError(
      '当前浏览器环境不提供 WebCrypto 签名功能（通常是因为没有通过 HTTPS 访问本站），无法使用 ECDSA 或 RSA 证书登录或签名。请通过 https:// 地址访问；SM2 证书不受影响。',
    );
  }
  return globalThis.crypto.subtle;
}

const WEB_ALGORITHMS = {
  p256: { import: { name: 'ECDSA', namedCurve: 'P-256' }, sign: { name: 'ECDSA', hash: 'SHA-256' } },
  rsa: { import: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, sign: { name: 'RSASSA-PKCS1-v1_5' } },
} as const;

async function webKey(key: Extract<LoginKey, { pkcs8: Uint8Array }>, usage: 'sign' | 'export'): Promise<CryptoKey> {
  try {
    return await subtle().importKey('pkcs8', new Uint8Array(key.pkcs8), WEB_ALGORITHMS[key.kind].import, usage === 'export', ['sign']);
  } catch (e) {
    if (e instanceof CertificateError) throw e;
    throw new CertificateError('浏览器无法导入该私钥，私钥文件可能已损坏。');
  }
}

function base64url(bytes: Uint8Array): string {
  return bytesToBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const MISMATCH = '所选私钥与证书不匹配：请选择该证书对应的私钥文件（证书和私钥须是同一次申请得到的一对）。';

/** Throws unless `key` is the private key of the certificate's public key. */
export async function checkKeyMatches(key: LoginKey, cert: CertificateInfo): Promise<void> {
  const certKind =
    cert.keyAlgorithm === OID.rsaEncryption
      ? 'rsa'
      : cert.keyAlgorithm === OID.sm2 || cert.keyCurve === OID.sm2
        ? 'sm2'
        : cert.keyCurve === OID.prime256v1
          ? 'p256'
          : null;
  if (certKind === null) throw new CertificateError('证书的公钥算法不受支持：支持 SM2、ECDSA P-256 与 RSA 证书。');
  if (certKind !== key.kind) {
    throw new CertificateError(`所选私钥与证书不匹配：证书是 ${KEY_LABELS[certKind]} 证书，私钥却是 ${KEY_LABELS[key.kind]} 私钥。`);
  }
  const certKey = bytesToHex(cert.publicKey);
  if (key.kind === 'sm2') {
    const own = key.publicKey ?? (await smCrypto()).sm2.getPublicKeyFromPrivateKey(key.d);
    if (own.toLowerCase() !== certKey) throw new CertificateError(MISMATCH);
    return;
  }
  const jwk = await subtle().exportKey('jwk', await webKey(key, 'export'));
  if (key.kind === 'p256') {
    if (`04${bytesToHex(fromBase64url(jwk.x))}${bytesToHex(fromBase64url(jwk.y))}` !== certKey) throw new CertificateError(MISMATCH);
    return;
  }
  const [modulus] = children(parseTop(cert.publicKey, TAG.sequence));
  let n = modulus?.value ?? new Uint8Array();
  while (n.length > 1 && n[0] === 0) n = n.subarray(1);
  if (base64url(n) !== jwk.n) throw new CertificateError(MISMATCH);
}

function fromBase64url(s: string | undefined): Uint8Array {
  const b64 = (s ?? '').replace(/-/g, '+').replace(/_/g, '/');
  const text = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

/** WebCrypto's ECDSA signature (r||s, 32 bytes each for P-256) as DER SEQUENCE{INTEGER r, INTEGER s}. */
export function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2;
  return encode(TAG.sequence, encodeUnsignedInteger(raw.subarray(0, half)), encodeUnsignedInteger(raw.subarray(half)));
}

/**
 * Signs `data` (any bytes) as the kernel verifies it: SM2 with SM3 and the distinguishing ID, or
 * ECDSA P-256 / RSA with SHA-256; returns the DER signature (SEQUENCE{r, s} for SM2 and ECDSA) in Base64.
 */
export async function signBytes(key: LoginKey, data: Uint8Array): Promise<string> {
  if (key.kind === 'sm2') {
    const { sm2 } = await smCrypto();
    const der = sm2.doSignature(Array.from(data), key.d, {
      hash: true,
      der: true,
      userId: SM2_USER_ID,
      ...(key.publicKey ? { publicKey: key.publicKey } : {}),
    });
    return bytesToBase64(Uint8Array.from(der.match(/../g) ?? [], (h) => parseInt(h, 16)));
  }
  const signature = new Uint8Array(await subtle().sign(WEB_ALGORITHMS[key.kind].sign, await webKey(key, 'sign'), new Uint8Array(data)));
  return bytesToBase64(key.kind === 'p256' ? ecdsaRawToDer(signature) : signature);
}

/** Signs the nonce's ASCII text; returns the DER signature in Base64, as POST /api/auth/cert/login wants it. */
export function signNonce(key: LoginKey, nonce: string): Promise<string> {
  return signBytes(key, new TextEncoder().encode(nonce));
}
