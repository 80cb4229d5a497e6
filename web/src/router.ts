import { createRouter, createWebHistory } from 'vue-router';
import { loggedIn, onSignOut } from './auth';
import { afterLoginTarget, homePath } from './nav';
import { authReady } from './session';
import PluginsPage from './views/PluginsPage.vue';
import ApiDocsPage from './views/ApiDocsPage.vue';
import NotFoundPage from './views/NotFoundPage.vue';
import LoginPage from './views/LoginPage.vue';
import OrgPage from './views/OrgPage.vue';
import AccountsPage from './views/AccountsPage.vue';
import RolesPage from './views/RolesPage.vue';
import AccountPage from './views/AccountPage.vue';
import SessionsPage from './views/SessionsPage.vue';
import PasswordPage from './views/PasswordPage.vue';
import AgentsPage from './views/AgentsPage.vue';
import MandatesPage from './views/MandatesPage.vue';
import AdminSessionsPage from './views/AdminSessionsPage.vue';
import AuditPage from './views/AuditPage.vue';
import MessagesPage from './views/MessagesPage.vue';
import SubscriptionsPage from './views/SubscriptionsPage.vue';
import SendMessagePage from './views/SendMessagePage.vue';
import DeliveriesPage from './views/DeliveriesPage.vue';
import ContentListPage from './views/ContentListPage.vue';
import ContentEditPage from './views/ContentEditPage.vue';
import ContentDetailPage from './views/ContentDetailPage.vue';
import PublicContentPage from './views/PublicContentPage.vue';
import PublicArticlePage from './views/PublicArticlePage.vue';
import SearchPage from './views/SearchPage.vue';
import SealsPage from './views/SealsPage.vue';
import SealMakePage from './views/SealMakePage.vue';
import SealDetailPage from './views/SealDetailPage.vue';
import MySealPage from './views/MySealPage.vue';
import SignPage from './views/SignPage.vue';
import VerifyPage from './views/VerifyPage.vue';

declare module 'vue-router' {
  interface RouteMeta {
    title?: string;
    /** Only for a logged-in caller: others are sent to /login?next=… */
    requiresAuth?: boolean;
    /** The permission the page's data needs (the page still shows the kernel's 403 if it is lacking). */
    permission?: string;
  }
}

const SITE = '网办管理控制台';

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    // Both resolved by the guard below (the start page depends on who is logged in).
    { path: '/', name: 'home', component: NotFoundPage },
    { path: '/admin', redirect: '/' },
    { path: '/login', name: 'login', component: LoginPage, meta: { title: '登录' } },
    {
      path: '/admin/plugins',
      name: 'plugins',
      component: PluginsPage,
      meta: { title: '插件管理', requiresAuth: true, permission: 'admin.plugins.read' },
    },
    {
      path: '/admin/org',
      name: 'org',
      component: OrgPage,
      meta: { title: '机构管理', requiresAuth: true, permission: 'admin.org.read' },
    },
    {
      path: '/admin/accounts',
      name: 'accounts',
      component: AccountsPage,
      meta: { title: '账号管理', requiresAuth: true, permission: 'admin.accounts.read' },
    },
    {
      path: '/admin/roles',
      name: 'roles',
      component: RolesPage,
      meta: { title: '角色管理', requiresAuth: true, permission: 'admin.roles.read' },
    },
    {
      path: '/admin/sessions',
      name: 'admin-sessions',
      component: AdminSessionsPage,
      meta: { title: '会话管理', requiresAuth: true, permission: 'admin.sessions.read' },
    },
    {
      path: '/admin/seals',
      name: 'seals',
      component: SealsPage,
      meta: { title: '印章管理', requiresAuth: true, permission: 'seals.read' },
    },
    {
      path: '/admin/seals/new',
      name: 'seal-new',
      component: SealMakePage,
      meta: { title: '制作印章', requiresAuth: true, permission: 'seals.manage' },
    },
    {
      path: '/admin/seals/:id',
      name: 'seal-detail',
      component: SealDetailPage,
      meta: { title: '印章详情', requiresAuth: true, permission: 'seals.read' },
    },
    // 事项管理 (the items plugin): list, new, import/export, change reports, one record, its draft.
    // Loaded when first opened: the pages are large and only catalogue staff use them.
    {
      path: '/admin/items',
      name: 'items',
      component: () => import('./views/ItemsPage.vue'),
      meta: { title: '事项管理', requiresAuth: true, permission: 'items.read' },
    },
    {
      path: '/admin/items/new',
      name: 'item-new',
      component: () => import('./views/ItemEditPage.vue'),
      meta: { title: '新建事项', requiresAuth: true, permission: 'items.read' },
    },
    {
      path: '/admin/items/exchange',
      name: 'item-exchange',
      component: () => import('./views/ItemExchangePage.vue'),
      meta: { title: '事项导入导出', requiresAuth: true, permission: 'items.read' },
    },
    {
      path: '/admin/items/reports',
      name: 'item-reports',
      component: () => import('./views/ItemReportsPage.vue'),
      meta: { title: '变更影响报告', requiresAuth: true, permission: 'items.read' },
    },
    {
      path: '/admin/items/:kind(base|implementation|bundle)/:code',
      name: 'item-detail',
      component: () => import('./views/ItemDetailPage.vue'),
      meta: { title: '事项详情', requiresAuth: true, permission: 'items.read' },
    },
    {
      path: '/admin/items/:kind(base|implementation|bundle)/:code/edit',
      name: 'item-edit',
      component: () => import('./views/ItemEditPage.vue'),
      meta: { title: '编辑事项草稿', requiresAuth: true, permission: 'items.read' },
    },
    {
      path: '/admin/content',
      name: 'content-admin',
      component: ContentListPage,
      meta: { title: '内容管理', requiresAuth: true, permission: 'content.read' },
    },
    {
      path: '/admin/content/new',
      name: 'content-new',
      component: ContentEditPage,
      meta: { title: '新建内容', requiresAuth: true, permission: 'content.write' },
    },
    {
      path: '/admin/content/:id',
      name: 'content-detail',
      component: ContentDetailPage,
      meta: { title: '内容详情', requiresAuth: true, permission: 'content.read' },
    },
    {
      path: '/admin/content/:id/edit',
      name: 'content-edit',
      component: ContentEditPage,
      meta: { title: '编辑草稿', requiresAuth: true, permission: 'content.write' },
    },
    {
      path: '/admin/messages',
      name: 'send-message',
      component: SendMessagePage,
      meta: { title: '发送消息', requiresAuth: true, permission: 'messages.send' },
    },
    {
      path: '/admin/deliveries',
      name: 'deliveries',
      component: DeliveriesPage,
      meta: { title: '投递记录', requiresAuth: true, permission: 'messages.deliveries.read' },
    },
    { path: '/messages', name: 'messages', component: MessagesPage, meta: { title: '我的消息', requiresAuth: true } },
    {
      path: '/messages/subscriptions',
      name: 'subscriptions',
      component: SubscriptionsPage,
      meta: { title: '订阅设置', requiresAuth: true },
    },
    // 政务公开 and 检索: public, no login needed.
    { path: '/content', name: 'public-content', component: PublicContentPage, meta: { title: '政务公开' } },
    { path: '/content/:id', name: 'public-article', component: PublicArticlePage, meta: { title: '政务公开' } },
    { path: '/search', name: 'search', component: SearchPage, meta: { title: '检索' } },
    // 签名验证: public too, anyone holding a signed file may check it.
    { path: '/verify', name: 'verify', component: VerifyPage, meta: { title: '签名验证' } },
    { path: '/audit', name: 'audit', component: AuditPage, meta: { title: '审计日志', requiresAuth: true, permission: 'audit.read' } },
    { path: '/admin/api', name: 'api-docs', component: ApiDocsPage, meta: { title: '接口文档' } },
    { path: '/account', name: 'account', component: AccountPage, meta: { title: '我的账号', requiresAuth: true } },
    {
      path: '/account/sessions',
      name: 'sessions',
      component: SessionsPage,
      meta: { title: '我的会话', requiresAuth: true },
    },
    { path: '/account/password', name: 'password', component: PasswordPage, meta: { title: '修改口令', requiresAuth: true } },
    { path: '/account/agents', name: 'agents', component: AgentsPage, meta: { title: '经办人授权', requiresAuth: true } },
    { path: '/account/mandates', name: 'mandates', component: MandatesPage, meta: { title: '代办', requiresAuth: true } },
    { path: '/account/seal', name: 'my-seal', component: MySealPage, meta: { title: '我的名章', requiresAuth: true } },
    { path: '/account/sign', name: 'sign', component: SignPage, meta: { title: '文件签名', requiresAuth: true } },
    { path: '/:pathMatch(.*)*', name: 'not-found', component: NotFoundPage, meta: { title: '页面不存在' } },
  ],
});

router.beforeEach(async (to) => {
  await authReady();
  if (to.name === 'home') return loggedIn.value ? homePath() : { name: 'login' };
  if (to.meta.requiresAuth && !loggedIn.value) return { name: 'login', query: { next: to.fullPath } };
  if (to.name === 'login' && loggedIn.value) return afterLoginTarget(router, to.query.next);
  return true;
});

router.afterEach((to) => {
  const title = typeof to.meta.title === 'string' ? to.meta.title : '';
  document.title = title ? `${title} - ${SITE}` : SITE;
});

// 退出 goes to the login page; an expired login returns there afterwards (?next=…).
onSignOut((expired) => {
  const current = router.currentRoute.value;
  if (expired) {
    if (current.meta.requiresAuth) void router.replace({ name: 'login', query: { next: current.fullPath } });
  } else if (current.name !== 'login') {
    void router.replace({ name: 'login' });
  }
});
