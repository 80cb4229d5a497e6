// 统一内容管理 and 统一信息平台 as the pages show them: the Chinese names of publication types,
// workflow states, message topics, channels and delivery states; times; file sizes and types.
import type { PublicationType } from './api';

export const PUBLICATION_TYPES: { value: PublicationType; label: string }[] = [
  { value: 'notice', label: '通知公告' },
  { value: 'policy', label: '政策文件' },
  { value: 'guide', label: '办事指南' },
  { value: 'power_list', label: '权责清单' },
  { value: 'faq', label: '常见问题' },
];

export function typeLabel(type: string): string {
  return PUBLICATION_TYPES.find((t) => t.value === type)?.label ?? type;
}

/** A publication's state; `tone` picks the badge colour (the .badge-* classes). */
export const PUBLICATION_STATES: Record<string, { label: string; tone: string }> = {
  unpublished: { label: '未发布', tone: 'stopped' },
  scheduled: { label: '定时发布', tone: 'reloading' },
  published: { label: '已发布', tone: 'started' },
  withdrawn: { label: '已撤回', tone: 'refused' },
};

/** The review state of a version. */
export const REVIEW_STATES: Record<string, { label: string; tone: string }> = {
  draft: { label: '草稿', tone: 'stopped' },
  submitted: { label: '待审核', tone: 'reloading' },
  approved: { label: '已通过', tone: 'started' },
  rejected: { label: '已退回', tone: 'failed' },
};

/** Search hit kinds: the publication types, and what plugins index. */
export const SEARCH_KINDS: { value: string; label: string }[] = [...PUBLICATION_TYPES, { value: 'item', label: '办事事项' }];

export function kindLabel(kind: string): string {
  return SEARCH_KINDS.find((k) => k.value === kind)?.label ?? kind;
}

/** Topics a user may subscribe to here: one per publication type, and the whole family. */
export const CONTENT_TOPICS: { topic: string; label: string; desc: string }[] = [
  ...PUBLICATION_TYPES.map((t) => ({ topic: `content.${t.value}`, label: t.label, desc: `有新的${t.label}发布时通知我` })),
  { topic: 'content.*', label: '全部政务公开内容', desc: '以上任何一类内容发布时都通知我' },
];

/** The Chinese name of a message topic ("content.notice" → 通知公告), or the topic itself. */
export function topicLabel(topic: string): string {
  const known = CONTENT_TOPICS.find((t) => t.topic === topic);
  if (known) return known.label;
  if (topic === 'notice') return '通知';
  if (topic === '*') return '全部消息';
  return topic;
}

export const CHANNEL_LABELS: Record<string, string> = { inbox: '站内', email: '邮件', sms: '短信' };

export const DELIVERY_STATES: Record<string, { label: string; tone: string }> = {
  queued: { label: '等待发送', tone: 'reloading' },
  sent: { label: '已发送', tone: 'started' },
  failed: { label: '发送失败', tone: 'failed' },
  no_address: { label: '无收件地址', tone: 'refused' },
  unconfigured: { label: '渠道未配置', tone: 'stopped' },
};

/** Local date and time of an ISO 8601 instant, or the text itself when it is not one. */
export function whenIso(at: string | null | undefined): string {
  if (!at) return '—';
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? at : d.toLocaleString('zh-CN', { hour12: false });
}

/** Local date of an ISO 8601 instant. */
export function dayIso(at: string | null | undefined): string {
  if (!at) return '—';
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? at : d.toLocaleDateString('zh-CN');
}

/** A datetime-local value (local time) as UTC ISO 8601 for the kernel; null when it is no time. */
export function localToUtc(local: string): string | null {
  if (!local) return null;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** "1.2 MB", "830 KB", "12 字节". */
export function sizeText(bytes: number): string {
  if (bytes >= 1_000_000) return `${(bytes / 1_000_000).toFixed(1)} MB`;
  if (bytes >= 1_000) return `${Math.round(bytes / 1_000)} KB`;
  return `${bytes} 字节`;
}

/**
 * The largest attachment the browser sends: Base64 makes it a third larger, and the whole request
 * must stay under the kernel's 8 MiB body limit (server.body_limit).
 */
export const MAX_ATTACHMENT_BYTES = 6_000_000;

/** The attachment types the kernel accepts, by file extension (browsers know no type for .ofd). */
const ATTACHMENT_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  ofd: 'application/ofd',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  txt: 'text/plain',
};

export const ATTACHMENT_ACCEPT = Object.keys(ATTACHMENT_TYPES)
  .map((e) => `.${e}`)
  .join(',');

/** The content type to declare for a file, or null when the kernel would not take it. */
export function attachmentType(file: File): string | null {
  const ext = file.name.includes('.') ? file.name.split('.').pop()!.toLowerCase() : '';
  return ATTACHMENT_TYPES[ext] ?? (Object.values(ATTACHMENT_TYPES).includes(file.type) ? file.type : null);
}

/** Short form of an account id for tables ("d1000000…"); the full id goes in a title attribute. */
export function shortId(id: string | null | undefined): string {
  if (!id) return '—';
  return id.length > 12 ? `${id.slice(0, 8)}…` : id;
}
