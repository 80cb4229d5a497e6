// 文件签名 as the page shows it: the name the signature is saved under, which form field a kernel
// problem belongs beside, and the times read back from the CMS signature the kernel assembled
// (the signingTime signed attribute and the time stamp's genTime). Pure functions.
import { TAG, children, derTime, oidText, parseTop, type DerNode } from './der';

/** "申请书.pdf" → "申请书.pdf.p7s": the detached CMS signature saved beside the document. */
export function p7sFileName(documentName: string): string {
  return `${documentName || 'document'}.p7s`;
}

export type SignField = 'document' | 'certificate' | 'key';

/**
 * The form field a problem of /api/trust/signatures/{prepare,complete} is shown beside: the
 * certificate (not trusted, expired, revoked, wrong key usage, an algorithm the kernel does not sign
 * with), the key (a signature value the certificate does not verify) or the document (its digest);
 * null for the page's banner.
 */
export function signProblemField(code: string | null): SignField | null {
  if (!code) return null;
  if (code.startsWith('cert.') || code === 'signature.unsupported_algorithm' || code === 'signature.no_certificate') return 'certificate';
  if (code === 'signature.invalid') return 'key';
  if (code === 'signature.digest_mismatch') return 'document';
  return null;
}

const SIGNING_TIME = '1.2.840.113549.1.9.5';
const TIME_STAMP_TOKEN = '1.2.840.113549.1.9.16.2.14';

/** ContentInfo { contentType, [0] EXPLICIT SignedData } → the SignedData SEQUENCE. */
function signedDataOf(contentInfo: DerNode): DerNode {
  const [, wrapped] = children(contentInfo);
  const [signedData] = wrapped && wrapped.tag === TAG.context0 ? children(wrapped) : [];
  if (!signedData || signedData.tag !== TAG.sequence) throw new Error('not a CMS ContentInfo');
  return signedData;
}

/** The first value of the attribute `oid` in a [0] or [1] SET OF Attribute, or null. */
function attributeValue(attributes: DerNode | undefined, oid: string): DerNode | null {
  for (const attr of attributes ? children(attributes) : []) {
    const [type, values] = children(attr);
    if (type?.tag === TAG.oid && oidText(type.value) === oid && values?.tag === TAG.set) return children(values)[0] ?? null;
  }
  return null;
}

/** TimeStampToken (a ContentInfo) → TSTInfo.genTime. */
function genTimeOf(token: DerNode): Date | null {
  const encap = children(signedDataOf(token)).find((n) => n.tag === TAG.sequence); // encapContentInfo
  const [, explicit] = encap ? children(encap) : [];
  const [octets] = explicit?.tag === TAG.context0 ? children(explicit) : [];
  if (!octets || octets.tag !== TAG.octetString) return null;
  // TSTInfo ::= SEQUENCE { version, policy, messageImprint, serialNumber, genTime, … }
  const genTime = children(parseTop(octets.value, TAG.sequence))[4];
  return genTime ? derTime(genTime) : null;
}

/** When the signature says it was made, and the time stamp's time; null where it has none (or cannot be read). */
export function signatureTimes(cms: Uint8Array): { signingTime: Date | null; timeStamp: Date | null } {
  try {
    const signerInfos = children(signedDataOf(parseTop(cms, TAG.sequence))).filter((n) => n.tag === TAG.set).pop();
    const [signer] = signerInfos ? children(signerInfos) : [];
    const parts = signer ? children(signer) : [];
    const signingTime = attributeValue(parts.find((n) => n.tag === TAG.context0), SIGNING_TIME);
    const token = attributeValue(parts.find((n) => n.tag === TAG.context1), TIME_STAMP_TOKEN);
    return { signingTime: signingTime ? derTime(signingTime) : null, timeStamp: token ? genTimeOf(token) : null };
  } catch {
    return { signingTime: null, timeStamp: null };
  }
}
