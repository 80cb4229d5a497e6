import { createRouter, createWebHistory } from 'vue-router';
import PluginsPage from './views/PluginsPage.vue';
import ApiDocsPage from './views/ApiDocsPage.vue';
import NotFoundPage from './views/NotFoundPage.vue';

const SITE = '网办管理控制台';

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', redirect: '/admin/plugins' },
    { path: '/admin', redirect: '/admin/plugins' },
    { path: '/admin/plugins', name: 'plugins', component: PluginsPage, meta: { title: '插件管理' } },
    { path: '/admin/api', name: 'api-docs', component: ApiDocsPage, meta: { title: '接口文档' } },
    { path: '/:pathMatch(.*)*', name: 'not-found', component: NotFoundPage, meta: { title: '页面不存在' } },
  ],
});

router.afterEach((to) => {
  const title = typeof to.meta.title === 'string' ? to.meta.title : '';
  document.title = title ? `${title} - ${SITE}` : SITE;
});
