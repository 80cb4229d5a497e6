// The console's pages as the header and the login flow see them.
import type { RouteLocationRaw, Router } from 'vue-router';
import { can, loggedIn, me } from './auth';

/** A header navigation entry; pages needing a permission the caller lacks are left out. */
export interface NavItem {
  to: string;
  label: string;
  permission?: string;
  public?: boolean;
  /** Only for these principal kinds (e.g. 经办人授权 for legal persons). */
  kinds?: string[];
  /** Left out for callers holding this permission (they reach the page through another entry's tabs). */
  unless?: string;
}

// The first entry a caller may use is their start page (homePath): admin pages before 内容管理 and
// 审计日志, so an administrator starts at 插件管理, whoever keeps the item catalogue at 事项管理, an
// editor or reviewer at 内容管理 and an auditor (audit.read only) at 审计日志. 政务公开, 检索 and
// 签名验证 are public; 我的名章 is for staff, 文件签名 (signing with one's own certificate) for
// natural and legal persons.
export const NAV_ITEMS: NavItem[] = [
  { to: '/admin/plugins', label: '插件管理', permission: 'admin.plugins.read' },
  { to: '/admin/org', label: '机构管理', permission: 'admin.org.read' },
  { to: '/admin/accounts', label: '账号管理', permission: 'admin.accounts.read' },
  { to: '/admin/roles', label: '角色管理', permission: 'admin.roles.read' },
  { to: '/admin/sessions', label: '会话管理', permission: 'admin.sessions.read' },
  { to: '/admin/seals', label: '印章管理', permission: 'seals.read' },
  { to: '/admin/items', label: '事项管理', permission: 'items.read' },
  { to: '/admin/content', label: '内容管理', permission: 'content.read' },
  { to: '/admin/messages', label: '发送消息', permission: 'messages.send' },
  { to: '/admin/deliveries', label: '投递记录', permission: 'messages.deliveries.read', unless: 'messages.send' },
  { to: '/audit', label: '审计日志', permission: 'audit.read' },
  { to: '/account/agents', label: '经办人授权', kinds: ['legal'] },
  { to: '/account/mandates', label: '代办', kinds: ['person'] },
  { to: '/account/seal', label: '我的名章', kinds: ['staff'] },
  { to: '/account/sign', label: '文件签名', kinds: ['person', 'legal'] },
  { to: '/content', label: '政务公开', public: true },
  { to: '/search', label: '检索', public: true },
  { to: '/verify', label: '签名验证', public: true },
  { to: '/admin/api', label: '接口文档', public: true },
  { to: '/account/sessions', label: '我的会话' },
];

export function navVisible(item: NavItem): boolean {
  if (item.public) return true;
  if (item.unless && can(item.unless)) return false;
  if (item.kinds && !item.kinds.includes(me.value?.kind ?? '')) return false;
  return loggedIn.value && (!item.permission || can(item.permission));
}

/** Where a logged-in caller starts: the first console page they may use, else 我的账号 (applicants too). */
export function homePath(): string {
  const first = NAV_ITEMS.find((item) => item.permission && can(item.permission));
  return first ? first.to : '/account';
}

/** A path of this site from ?next=…, or null (no open redirect elsewhere, no loop back to /login). */
export function safeNext(router: Router, next: unknown): string | null {
  const value = Array.isArray(next) ? next[0] : next;
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) {
    return null;
  }
  const target = router.resolve(value);
  if (target.name === 'login' || target.name === 'home') return null;
  return target.fullPath;
}

/** After a login: back to ?next=… when the caller may use that page, else their start page. */
export function afterLoginTarget(router: Router, next: unknown): RouteLocationRaw {
  const path = safeNext(router, next);
  if (path) {
    const perm = router.resolve(path).meta.permission;
    if (!perm || can(perm)) return path;
  }
  return homePath();
}
