// 电子印章 and 签名验证 as the pages show them: the Chinese names of seal kinds, states, history
// actions and verification checks, and the limits the browser checks before sending.
import { shallowRef } from 'vue';
import type { SealKind, SealStatus } from './api';

export const SEAL_KINDS: { value: SealKind; label: string }[] = [
  { value: 'organisation', label: '单位印章' },
  { value: 'personal_name', label: '个人名章' },
];

export function sealKindLabel(kind: string): string {
  return SEAL_KINDS.find((k) => k.value === kind)?.label ?? kind;
}

/** A seal's state; `tone` picks the badge colour (the .badge-* classes). */
export const SEAL_STATES: Record<SealStatus, { label: string; tone: string }> = {
  active: { label: '启用', tone: 'started' },
  suspended: { label: '已停用', tone: 'refused' },
  revoked: { label: '已注销', tone: 'failed' },
};

export function sealStateLabel(status: string): string {
  return SEAL_STATES[status as SealStatus]?.label ?? status;
}

export function sealStateTone(status: string): string {
  return SEAL_STATES[status as SealStatus]?.tone ?? 'unknown';
}

/** The lines of a seal's history (its audit log entries). */
export const SEAL_ACTIONS: Record<string, string> = {
  'seal.made': '制章',
  'seal.used': '盖章',
  'seal.suspended': '停用',
  'seal.resumed': '恢复启用',
  'seal.revoked': '注销',
};

export const PICTURE_SOURCES: Record<string, string> = { drawn: '系统生成', uploaded: '上传图片' };

/** Validity in days: the kernel's range and default (three years). */
export const MIN_VALID_DAYS = 1;
export const MAX_VALID_DAYS = 3650;
export const DEFAULT_VALID_DAYS = 1095;

/** An uploaded seal picture: a PNG of at most 1 MiB. */
export const MAX_PICTURE_BYTES = 1024 * 1024;

/** The largest document (or signature file) the browser sends to be signed or verified. */
export const MAX_DOCUMENT_BYTES = 20_000_000;

/** Signature files: CMS (.p7s) or a seal signature (.ses, .sig). */
export const SIGNATURE_ACCEPT = '.p7s,.ses,.sig';

/** The checks of a verification, in Chinese, in the order they are made. */
export const CHECK_LABELS: Record<string, string> = {
  structure: '结构',
  signature: '签名值',
  chain: '证书链',
  validity: '有效期',
  revocation: '吊销状态',
  key_usage: '密钥用途',
  seal: '印章',
  seal_maker: '制章者签名',
  seal_status: '印章状态',
  timestamp: '时间戳',
  digest: '文档摘要',
};

export const SIGNATURE_KINDS: Record<string, string> = {
  cms: 'CMS 数字签名（PKCS #7）',
  seal: '电子印章签章（SES_Signature）',
};

/** "西湖区…章.pdf" → "西湖区…章.pdf.ses": the name the signature file is saved under. */
export function signatureFileName(documentName: string): string {
  return `${documentName || 'document'}.ses`;
}

/** The pages that hand a document and its new signature to 签名验证, as its banner names them. */
export const HANDOFF_SOURCES = {
  seal: '“我的名章”中刚盖章',
  sign: '“文件签名”中刚签名',
} as const;

/**
 * A document and its signature handed from 我的名章 or 文件签名 to 签名验证 (a file input cannot be
 * filled by script): /verify takes them once, when it opens.
 */
export const verifyHandoff = shallowRef<{ document: File; signature: File; from: keyof typeof HANDOFF_SOURCES } | null>(null);
