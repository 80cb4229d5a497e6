#!/usr/bin/env node
// Browser test of 统一内容管理, 政务公开, 检索 and 统一信息平台 against a live kernel with the demo
// data (tests/browser/browser_test.cpp starts it; no SMTP or SMS gateway is configured):
//
//   WANGBAN_URL=http://127.0.0.1:18080 [SCREENSHOT=/tmp/content] node tests/browser/content.test.mjs
//
// Several people at once, each in a browser context of their own:
//  - clerk 张三 (editor) writes a notice whose Markdown has a table and a <script> line: 预览 shows the
//    table and no script element; a file over 6 MB is refused in the browser, a small PDF is uploaded;
//    the draft is saved and submitted; 张三 has no 审核 panel and the kernel refuses a review (403);
//  - approver 李四 (reviewer) 退回 without a note (the kernel's Chinese error beside the field), then
//    with one; 张三 sees the note, edits, resubmits; 李四 approves after a confirmation (立即发布);
//  - an anonymous browser finds the notice on /content (reached from the login page), reads it on
//    /content/:id with the attachment (a real PDF download) and finds it on /search by a Chinese word
//    of its body;
//  - auditor 王五 subscribes to 通知公告 on 订阅设置; when a second notice is published the header's
//    unread badge goes up without a reload (Server-Sent Events) and a toast shows; on 我的消息 opening
//    the message marks it read, the badge goes down and its link opens the notice;
//  - 李四 (who cannot read the account administration) picks the role clerk from 发送消息's pickers,
//    which list the messaging directory (accounts with their organisation, the organisation tree,
//    roles with their titles), and sends to it (with e-mail) after a confirmation naming the
//    recipients; 张三's badge goes up live and the message is in 我的消息; 投递记录 lists the e-mail
//    deliveries by the recipients' names: 渠道未配置 for 张三 (who has an e-mail address) and
//    无收件地址 for 赵六 (who has none).
// The demo data also publishes a few items at start; the test finds its own by id and title.
// Prints one line per check, then "N passed, N failed"; exits 0 only if none failed. SCREENSHOT is a
// path prefix for one picture per page (<prefix>-<page>.png).

import { assert, check, demoLogin, fail, newPage, openFirstPage, run, screenshots, squash, waitMs, waitUntil } from './harness.mjs';

const OVERALL_TIMEOUT_MS = 300_000;
const CLERK = { username: 'clerk', name: '张三' };
const CLERK2 = { username: 'clerk2', name: '赵六' };
const APPROVER = { username: 'approver', name: '李四' };
const AUDITOR = { username: 'auditor', name: '王五' };

const NOTICE = {
  title: '关于调整政务服务大厅开放时间的通知',
  summary: '自下月起调整各窗口开放时间。',
  markdown: [
    '# 开放时间调整',
    '',
    '自下月起，政务服务大厅各窗口开放时间调整如下：',
    '',
    '| 窗口 | 开放时间 |',
    '|---|---|',
    '| 综合受理 | 周一至周五 9:00-17:00 |',
    '| 不动产登记 | 周一至周六 9:00-12:00 |',
    '',
    '<script>window.__pwned = 1</script>',
    '',
    '办事群众可通过网上预约错峰前来。',
  ].join('\n'),
  searchWord: '错峰',
  note: '请补充节假日期间的安排。',
  addition: '\n\n法定节假日期间大厅暂停对外服务，另行通知。',
};
const PDF = {
  name: '开放时间表.pdf',
  bytes: Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n'),
};
const SECOND_TITLE = '关于启用新版预约系统的通知';
const TO_CLERKS = { title: '请于本周五前完成窗口排班', body: '各受理人员请登录系统填报下周排班。' };

async function main() {
  const opened = await openFirstPage();
  if (!opened) return;
  const { base, screenshot, first } = opened;
  const pages = [first];
  const open = async () => {
    const p = await newPage();
    pages.push(p);
    return p;
  };
  const clerk = first.page;
  const shotOf = (page) => screenshots(page, screenshot);

  const textOf = async (locator) => squash(await locator.innerText({ timeout: waitMs() }));
  const navLink = (page, label) => page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: label, exact: true });
  const noticeText = async (page, what) => {
    const n = page.locator('[data-testid="notice"]');
    await waitUntil(async () => (await n.count()) > 0 && squash(await n.innerText()).includes(what), `a notice with "${what}"`);
    return squash(await n.innerText());
  };
  const login = (page, user, path) => demoLogin(page, base, user, path);
  /** A request from the page with its session cookie and CSRF token, as the UI would send it. */
  const api = (page, method, url, body) =>
    page.evaluate(
      async ([m, u, b]) => {
        const r = await fetch(u, {
          method: m,
          credentials: 'same-origin',
          headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': sessionStorage.getItem('wangban.session.csrf') ?? '' },
          body: b === null ? undefined : JSON.stringify(b),
        });
        let json = null;
        try {
          json = await r.json();
        } catch {
          /* 204 */
        }
        return { status: r.status, json };
      },
      [method, url, body ?? null],
    );
  const badge = (page) => page.locator('header [data-testid="unread-badge"]');
  const badgeCount = async (page) => ((await badge(page).count()) > 0 ? Number(await textOf(badge(page))) : 0);
  const detailOf = (page, id) => page.goto(`${base}/admin/content/${id}`, { waitUntil: 'domcontentloaded', timeout: waitMs() });
  const reviewState = (page) => page.locator('[data-testid="content-review-state"]').getAttribute('data-state', { timeout: waitMs() });

  let id = '';
  let sm3 = '';
  try {
    // ---- 张三 writes the notice ----
    if (!(await check(`${CLERK.name} (editor) logs in and starts at 内容管理; no 发送消息`, async () => {
      await login(clerk, CLERK, '/admin/content');
      await clerk.getByRole('heading', { level: 1, name: '内容管理' }).waitFor({ state: 'visible', timeout: waitMs() });
      assert((await navLink(clerk, '内容管理').count()) === 1, 'no 内容管理');
      assert((await navLink(clerk, '发送消息').count()) === 0, '发送消息 shown without messages.send');
      assert((await clerk.locator('header [data-testid="inbox-link"]').count()) === 1, 'no 消息 link');
    }))) return;

    await check('新建: Markdown with a table and a <script> line; 预览 renders the table and no script element', async () => {
      await clerk.locator('[data-testid="content-new"]').click({ timeout: waitMs() });
      await clerk.waitForURL((url) => url.pathname === '/admin/content/new', { timeout: waitMs() });
      await clerk.getByLabel('类型').selectOption('notice');
      await clerk.getByLabel('标题', { exact: true }).fill(NOTICE.title);
      await clerk.getByLabel('摘要（选填）').fill(NOTICE.summary);
      await clerk.locator('[data-testid="content-markdown"]').fill(NOTICE.markdown);
      const response = clerk.waitForResponse((r) => new URL(r.url()).pathname === '/api/content/preview', { timeout: waitMs() });
      await clerk.getByRole('tab', { name: '预览' }).click();
      assert((await response).status() === 200, `preview HTTP ${(await response).status()}`);
      const preview = clerk.locator('[data-testid="preview"] [data-testid="published-html"]');
      await preview.locator('table').waitFor({ state: 'visible', timeout: waitMs() });
      const headers = await preview.locator('th').allInnerTexts();
      assert(headers.join() === '窗口,开放时间', `table headers ${headers.join()}`);
      assert((await preview.locator('td').count()) === 4, 'table cells');
      assert((await preview.locator('script').count()) === 0, 'a script element in the preview');
      assert((await clerk.evaluate(() => window.__pwned)) === undefined, 'the script ran');
      const html = await preview.innerHTML();
      assert(!html.includes('<script'), 'script markup in the preview');
      return `${headers.join(' | ')}; ${await preview.locator('tr').count()} rows`;
    });
    await shotOf(clerk)('preview');

    await check('an attachment over 6 MB is refused in the browser with a Chinese message, before any upload', async () => {
      await clerk.getByRole('tab', { name: '编辑' }).click();
      let uploads = 0;
      const count = (r) => new URL(r.url()).pathname === '/api/content/attachments' && (uploads += 1);
      clerk.on('request', count);
      await clerk.locator('#content-file').setInputFiles({ name: '大文件.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(6_500_000, 0x25) });
      const err = clerk.locator('[data-testid="attachment-error"]');
      await err.waitFor({ state: 'visible', timeout: waitMs() });
      const text = await textOf(err);
      clerk.off('request', count);
      assert(text.includes('超过') && text.includes('MB'), `error "${text}"`);
      assert(uploads === 0, 'the large file was sent');
      return text;
    });

    await check('a small PDF is uploaded (Base64) and listed with its size', async () => {
      const response = clerk.waitForResponse((r) => new URL(r.url()).pathname === '/api/content/attachments', { timeout: waitMs() });
      await clerk.locator('#content-file').setInputFiles({ name: PDF.name, mimeType: 'application/pdf', buffer: PDF.bytes });
      const r = await response;
      assert(r.status() === 201, `HTTP ${r.status()}: ${await r.text()}`);
      const sent = JSON.parse(r.request().postData() ?? '{}');
      assert(sent.content_type === 'application/pdf' && Buffer.from(sent.data_base64, 'base64').equals(PDF.bytes), 'wrong upload body');
      sm3 = (await r.json()).sm3;
      const item = clerk.locator(`[data-testid="attachment"][data-name="${PDF.name}"]`);
      await item.waitFor({ state: 'visible', timeout: waitMs() });
      assert((await clerk.locator('[data-testid="attachment-error"]').count()) === 0, 'the old error stays');
      return `${await textOf(item)}; sm3 ${sm3.slice(0, 12)}…`;
    });

    if (!(await check('保存草稿 lands on the detail page: 第 1 版 草稿', async () => {
      await clerk.locator('[data-testid="content-save"]').click();
      await clerk.waitForURL((url) => /^\/admin\/content\/[0-9a-f-]{36}$/.test(url.pathname), { timeout: waitMs() });
      id = new URL(clerk.url()).pathname.split('/').pop();
      await noticeText(clerk, '已保存第 1 版草稿');
      assert((await reviewState(clerk)) === 'draft', 'not a draft');
      return id;
    }))) return;

    await check('提交审核: the version is 待审核; 张三 sees no 审核 panel', async () => {
      await clerk.locator('[data-testid="content-submit"]').click({ timeout: waitMs() });
      await noticeText(clerk, '已将第 1 版提交审核');
      await waitUntil(async () => (await reviewState(clerk)) === 'submitted', 'state 待审核');
      assert((await clerk.locator('[data-testid="review-panel"]').count()) === 0, 'the editor sees the review panel');
      assert((await clerk.locator('[data-testid="content-edit"]').count()) === 0, '编辑草稿 offered while in review');
    });

    await check('张三 cannot approve: the kernel refuses the review (403)', async () => {
      const r = await api(clerk, 'POST', `/api/content/publications/${id}/review`, { decision: 'approve' });
      assert(r.status === 403, `HTTP ${r.status} ${JSON.stringify(r.json)}`);
      return `${r.status} ${r.json?.code}: ${r.json?.detail}`;
    });

    // ---- 李四 reviews ----
    const approverCtx = await open();
    const approver = approverCtx.page;
    if (!(await check(`${APPROVER.name} (reviewer) logs in, starts at 内容管理 and opens the notice (待审核)`, async () => {
      await login(approver, APPROVER, '/admin/content');
      const row = approver.locator(`[data-testid="content-row"][data-id="${id}"]`);
      await row.waitFor({ state: 'visible', timeout: waitMs() });
      assert((await row.getAttribute('data-review')) === 'submitted', 'row not 待审核');
      const text = await textOf(row);
      await row.locator('[data-testid="content-open"]').click();
      await approver.waitForURL((url) => url.pathname === `/admin/content/${id}`, { timeout: waitMs() });
      await approver.locator('[data-testid="review-panel"]').waitFor({ state: 'visible', timeout: waitMs() });
      return text;
    }))) return;

    await check('退回 without a note: the kernel\'s Chinese error beside 审核意见', async () => {
      await approver.locator('[data-testid="decision-reject"]').check();
      const response = approver.waitForResponse((r) => new URL(r.url()).pathname === `/api/content/publications/${id}/review`, { timeout: waitMs() });
      await approver.locator('[data-testid="review-submit"]').click();
      const r = await response;
      assert(r.status() === 400, `HTTP ${r.status()}`);
      const err = approver.locator('[data-testid="review-note-error"]');
      await err.waitFor({ state: 'visible', timeout: waitMs() });
      const text = await textOf(err);
      assert(text === (await r.json()).detail && /审核意见/.test(text), `error "${text}"`);
      assert((await approver.locator('#review-note').getAttribute('aria-invalid')) === 'true', 'note not aria-invalid');
      return text;
    });
    await shotOf(approver)('review');

    await check('退回 with a note: the review log shows it', async () => {
      await approver.locator('#review-note').fill(NOTICE.note);
      await approver.locator('[data-testid="review-submit"]').click();
      await noticeText(approver, '已退回第 1 版');
      await waitUntil(async () => (await reviewState(approver)) === 'rejected', 'state 已退回');
      const log = approver.locator('[data-testid="review-row"][data-decision="rejected"]');
      await log.waitFor({ state: 'visible', timeout: waitMs() });
      assert((await textOf(log)).includes(NOTICE.note), 'note not in the log');
      assert((await approver.locator('[data-testid="review-panel"]').count()) === 0, 'review panel still shown');
    });

    // ---- 张三 revises ----
    await check(`${CLERK.name} sees the note, edits the draft and resubmits`, async () => {
      await detailOf(clerk, id);
      const note = clerk.locator('[data-testid="rejected-note"]');
      await note.waitFor({ state: 'visible', timeout: waitMs() });
      const text = await textOf(note);
      assert(text.includes(NOTICE.note) && text.includes('已被退回'), `note "${text}"`);
      await clerk.locator('[data-testid="content-edit"]').click();
      await clerk.waitForURL((url) => url.pathname === `/admin/content/${id}/edit`, { timeout: waitMs() });
      const md = clerk.locator('[data-testid="content-markdown"]');
      await waitUntil(async () => (await md.inputValue()) === NOTICE.markdown, 'the saved Markdown in the editor');
      assert((await clerk.locator(`[data-testid="attachment"][data-name="${PDF.name}"]`).count()) === 1, 'attachment not kept');
      await md.fill(NOTICE.markdown + NOTICE.addition);
      await clerk.locator('[data-testid="content-save"]').click();
      await clerk.waitForURL((url) => url.pathname === `/admin/content/${id}`, { timeout: waitMs() });
      await noticeText(clerk, '已保存第 1 版草稿');
      await clerk.locator('[data-testid="content-submit"]').click({ timeout: waitMs() });
      await noticeText(clerk, '提交审核');
      await waitUntil(async () => (await reviewState(clerk)) === 'submitted', 'state 待审核');
      return text;
    });

    // ---- 李四 approves ----
    await check('通过 (立即发布) after a confirmation naming 政务公开; the notice is 已发布', async () => {
      await detailOf(approver, id);
      await approver.locator('[data-testid="review-panel"]').waitFor({ state: 'visible', timeout: waitMs() });
      await approver.locator('[data-testid="decision-approve"]').check();
      await approver.locator('[data-testid="publish-now"]').check();
      await approver.locator('[data-testid="review-submit"]').click();
      const dialog = approver.locator('dialog[open]');
      await dialog.waitFor({ state: 'visible', timeout: waitMs() });
      const text = await textOf(dialog);
      assert(text.includes('政务公开') && text.includes(NOTICE.title), `dialog "${text}"`);
      await dialog.locator('[data-testid="confirm"]').click();
      await noticeText(approver, '已通过第 1 版并发布');
      await waitUntil(
        async () => (await approver.locator('[data-testid="content-state"]').getAttribute('data-state')) === 'published',
        'state 已发布',
      );
      return text;
    });

    await check('version history: 第 1 版 shows the published HTML (table, no script) and the Markdown source', async () => {
      const row = approver.locator('[data-testid="version-row"][data-version="1"]');
      await row.locator('[data-testid="version-view"]').click();
      const view = approver.locator('[data-testid="version-detail"]');
      await view.locator('[data-testid="published-html"] table').waitFor({ state: 'visible', timeout: waitMs() });
      assert((await view.locator('script').count()) === 0, 'script element');
      await view.locator('[data-testid="view-markdown"]').click();
      const source = await view.locator('[data-testid="markdown-source"]').innerText();
      assert(source.includes('<script>') && source.includes('| 窗口 | 开放时间 |'), 'source not shown as written');
      assert((await view.locator('[data-testid="staff-attachment"]').count()) === 1, 'no attachment link');
      // Names, not ids: 张三 wrote it, 李四 (the reader) reviewed it.
      const author = await textOf(row.locator('[data-testid="version-author"]'));
      assert(author === CLERK.name, `author "${author}"`);
      const reviewer = await textOf(row.locator('[data-testid="version-reviewer"]'));
      assert(reviewer.startsWith(`${APPROVER.name}（本人）`), `reviewer "${reviewer}"`);
      const reviewers = await approver.locator('[data-testid="review-reviewer"]').allInnerTexts();
      assert(reviewers.length === 2 && reviewers.every((r) => squash(r) === `审核人：${APPROVER.name}（本人）`), `review log ${reviewers.join()}`);
      return `${author}; ${reviewer}; ${reviewers.length} review records`;
    });
    await shotOf(approver)('content-detail');

    // ---- Anyone: 政务公开, the notice, 检索 ----
    const anonCtx = await open();
    const anon = anonCtx.page;
    await check('anonymous: the login page links to 政务公开, which lists the notice under 通知公告', async () => {
      await anon.goto(`${base}/login`, { waitUntil: 'domcontentloaded', timeout: waitMs() });
      await anon.locator('[data-testid="login-public"]').getByRole('link', { name: '政务公开' }).click({ timeout: waitMs() });
      await anon.waitForURL((url) => url.pathname === '/content', { timeout: waitMs() });
      await anon.locator('[data-testid="public-tab"][data-type="notice"]').click();
      await anon.waitForURL((url) => url.searchParams.get('type') === 'notice', { timeout: waitMs() });
      const row = anon.locator(`[data-testid="public-row"][data-id="${id}"]`);
      await row.waitFor({ state: 'visible', timeout: waitMs() });
      const text = await textOf(row);
      assert(text.includes(NOTICE.title) && text.includes('通知公告'), `row "${text}"`);
      assert((await anon.locator('header [data-testid="current-user"]').count()) === 0, 'someone is logged in');
      return text;
    });
    await shotOf(anon)('public-list');

    await check('anonymous: /content/:id shows title, type, date, the HTML and the attachment, which downloads', async () => {
      await anon.locator(`[data-testid="public-row"][data-id="${id}"] [data-testid="public-open"]`).click();
      await anon.waitForURL((url) => url.pathname === `/content/${id}`, { timeout: waitMs() });
      await anon.getByRole('heading', { level: 1, name: NOTICE.title }).waitFor({ state: 'visible', timeout: waitMs() });
      const article = anon.locator('[data-testid="article"]');
      assert((await textOf(anon.locator('[data-testid="article-type"]'))) === '通知公告', 'type');
      assert(/\d{4}\/\d{1,2}\/\d{1,2}/.test(await textOf(anon.locator('[data-testid="article-date"]'))), 'date');
      const body = article.locator('[data-testid="published-html"]');
      assert((await body.locator('table').count()) === 1 && (await body.locator('script').count()) === 0, 'table / script');
      assert((await textOf(body)).includes('法定节假日'), 'the revised text is not shown');
      const link = anon.locator('[data-testid="public-attachment"]');
      assert((await textOf(link)) === PDF.name, 'attachment name');
      const href = await link.getAttribute('href');
      assert(href === `/api/content/public/${id}/attachments/${sm3}`, `href ${href}`);
      const download = anon.waitForEvent('download', { timeout: waitMs() });
      await link.click();
      const d = await download;
      const bytes = await (await import('node:fs')).promises.readFile(await d.path());
      assert(bytes.equals(PDF.bytes), 'downloaded bytes differ');
      return `${d.suggestedFilename()}, ${bytes.length} bytes`;
    });
    await shotOf(anon)('article');

    await check(`anonymous: 检索 finds the notice by a word of its body (${NOTICE.searchWord}), and the hit opens it`, async () => {
      await navLink(anon, '检索').click({ timeout: waitMs() });
      await anon.waitForURL((url) => url.pathname === '/search', { timeout: waitMs() });
      await anon.getByLabel('检索词').fill(NOTICE.searchWord);
      const hit = anon.locator(`[data-testid="search-hit"][data-url="/content/${id}"]`);
      // The index follows the database on its own thread: ask again until it has caught up.
      await waitUntil(async () => {
        if ((await hit.count()) > 0) return true;
        await anon.locator('[data-testid="search-submit"]').click();
        await anon.locator('[data-testid="search-total"]').waitFor({ state: 'visible', timeout: waitMs() });
        return (await hit.count()) > 0;
      }, 'the notice among the hits');
      const total = await textOf(anon.locator('[data-testid="search-total"]'));
      assert(/共找到 \d+ 条/.test(total), `total "${total}"`);
      const snippet = await textOf(hit.locator('[data-testid="search-snippet"]'));
      assert(snippet.includes(NOTICE.searchWord), `snippet "${snippet}"`);
      await hit.locator('[data-testid="search-hit-link"]').click();
      await anon.waitForURL((url) => url.pathname === `/content/${id}`, { timeout: waitMs() });
      await anon.getByRole('heading', { level: 1, name: NOTICE.title }).waitFor({ state: 'visible', timeout: waitMs() });
      return `${total}; ${snippet}`;
    });

    // ---- 王五 subscribes; a second notice arrives live ----
    const auditorCtx = await open();
    const auditor = auditorCtx.page;
    await check(`${AUDITOR.name} subscribes to 通知公告 on 订阅设置 (站内 always on; e-mail/SMS go to 我的账号's contacts)`, async () => {
      await login(auditor, AUDITOR, '/audit');
      await auditor.locator('header [data-testid="inbox-link"]').click();
      await auditor.waitForURL((url) => url.pathname === '/messages', { timeout: waitMs() });
      await auditor.locator('[data-testid="messages-empty"]').waitFor({ state: 'visible', timeout: waitMs() });
      await auditor.getByRole('link', { name: '订阅设置', exact: true }).click();
      await auditor.waitForURL((url) => url.pathname === '/messages/subscriptions', { timeout: waitMs() });
      const note = await textOf(auditor.locator('[data-testid="contact-note"]'));
      assert(note.includes('我的账号') && note.includes('邮件') && note.includes('短信'), `note "${note}"`);
      const row = auditor.locator('[data-testid="sub-row"][data-topic="content.notice"]');
      await row.waitFor({ state: 'visible', timeout: waitMs() });
      assert((await textOf(row)).includes('通知公告'), 'no Chinese label');
      await row.locator('[data-testid="sub-add"]').click();
      await noticeText(auditor, '已订阅“通知公告”');
      await waitUntil(async () => (await row.getAttribute('data-subscribed')) === 'true', 'the row to show 已订阅');
      const subs = await api(auditor, 'GET', '/api/messages/subscriptions');
      const mine = subs.json.subscriptions.find((s) => s.topic === 'content.notice');
      assert(mine && mine.channels.join() === 'inbox', `subscriptions ${JSON.stringify(subs.json)}`);
      return note;
    });
    await shotOf(auditor)('subscriptions');

    let second = '';
    await check('a second notice published: 王五\'s badge goes up without a reload, with a toast', async () => {
      // A fresh page, whose stream is open before anything is published.
      const stream = auditor.waitForResponse((r) => new URL(r.url()).pathname === '/api/messages/stream', { timeout: waitMs() });
      await auditor.goto(`${base}/audit`, { waitUntil: 'domcontentloaded', timeout: waitMs() });
      assert((await stream).status() === 200, 'the stream was refused');
      assert(((await (await stream).headerValue('content-type')) ?? '').startsWith('text/event-stream'), 'not an event stream');
      await auditor.getByRole('heading', { level: 1, name: '审计日志' }).waitFor({ state: 'visible', timeout: waitMs() });
      await auditor.evaluate(() => (window.__noReload = true));
      const before = await badgeCount(auditor);
      const created = await api(clerk, 'POST', '/api/content/publications', { type: 'notice', title: SECOND_TITLE, markdown: '新版预约系统已上线。' });
      assert(created.status === 201, `create ${created.status}`);
      second = created.json.id;
      assert((await api(clerk, 'POST', `/api/content/publications/${second}/submit`)).status === 204, 'submit');
      const approved = await api(approver, 'POST', `/api/content/publications/${second}/review`, { decision: 'approve' });
      assert(approved.status === 204, `approve ${approved.status} ${JSON.stringify(approved.json)}`);
      await waitUntil(async () => (await badgeCount(auditor)) === before + 1, `the badge to show ${before + 1}`);
      assert((await auditor.evaluate(() => window.__noReload)) === true, 'the page was reloaded');
      const label = await auditor.locator('header [data-testid="inbox-link"]').getAttribute('aria-label');
      assert(label === `消息（${before + 1} 条未读）`, `aria-label "${label}"`);
      const toast = auditor.locator('[data-testid="message-toast"]');
      await toast.waitFor({ state: 'visible', timeout: waitMs() });
      assert((await textOf(toast)).includes(SECOND_TITLE), 'toast text');
      return `${before} → ${before + 1}; ${await textOf(toast)}`;
    });
    await shotOf(auditor)('toast');

    await check('我的消息: the message is unread; opening it marks it read, the badge goes down and its link opens the notice', async () => {
      await auditor.locator('header [data-testid="inbox-link"]').click();
      await auditor.waitForURL((url) => url.pathname === '/messages', { timeout: waitMs() });
      const row = auditor.locator('[data-testid="message-row"]').filter({ hasText: SECOND_TITLE });
      await row.waitFor({ state: 'visible', timeout: waitMs() });
      assert((await row.getAttribute('data-read')) === 'false', 'not unread');
      assert((await auditor.locator('[data-testid="message-row"]').count()) === 1, 'the first notice was sent before the subscription');
      // The filter reloads the list: wait for that answer, or the click below may race it.
      const filtered = auditor.waitForResponse((r) => new URL(r.url()).pathname === '/api/messages' && new URL(r.url()).searchParams.get('unread') === '1', { timeout: waitMs() });
      await auditor.locator('[data-testid="unread-only"]').check();
      await filtered;
      await waitUntil(async () => (await auditor.locator('[data-testid="message-row"]').count()) === 1, 'one unread message');
      const marked = auditor.waitForResponse((r) => /\/api\/messages\/[^/]+\/read$/.test(new URL(r.url()).pathname), { timeout: waitMs() });
      await row.locator('[data-testid="message-open"]').click();
      assert((await marked).status() === 204, 'mark read');
      await waitUntil(async () => (await row.getAttribute('data-read')) === 'true', 'the row to show read');
      await waitUntil(async () => (await badge(auditor).count()) === 0, 'the badge to go');
      const link = row.locator('[data-testid="message-link"]');
      assert((await link.getAttribute('href')) === `/content/${second}`, 'link');
      await shotOf(auditor)('messages');
      await link.click();
      await auditor.waitForURL((url) => url.pathname === `/content/${second}`, { timeout: waitMs() });
      await auditor.getByRole('heading', { level: 1, name: SECOND_TITLE }).waitFor({ state: 'visible', timeout: waitMs() });
      const inbox = await api(auditor, 'GET', '/api/messages');
      assert(inbox.json.unread === 0, `unread ${inbox.json.unread}`);
    });

    // ---- 李四 sends to the role clerk ----
    await check(`${CLERK.name} has an e-mail address in 我的账号 (so an e-mail delivery finds no configured channel)`, async () => {
      const r = await api(clerk, 'PUT', '/api/auth/profile', { mobile: '', email: 'zhangsan@gov.example.cn' });
      assert(r.status === 204, `HTTP ${r.status} ${JSON.stringify(r.json)}`);
    });

    let messageId = '';
    await check('发送消息 (without admin.*.read): the pickers list the directory\'s accounts, organisations and roles', async () => {
      await detailOf(clerk, id); // 张三's page stays open (and its stream connected)
      const grants = (await api(approver, 'GET', '/api/auth/me')).json.grants.map((g) => g.permission);
      assert(grants.every((g) => g !== '*' && !g.startsWith('admin.')), `李四 holds ${grants.join()}: the test proves nothing`);
      const directory = approver.waitForResponse((r) => new URL(r.url()).pathname === '/api/messages/directory', { timeout: waitMs() });
      await navLink(approver, '发送消息').click({ timeout: waitMs() });
      await approver.waitForURL((url) => url.pathname === '/admin/messages', { timeout: waitMs() });
      assert((await directory).status() === 200, `directory HTTP ${(await directory).status()}`);
      const picker = approver.locator('[data-testid="msg-recipient"]');
      const options = async () => picker.locator('option:not([disabled])').evaluateAll((els) => els.map((e) => e.textContent ?? ''));
      await approver.locator('[data-testid="msg-kind-account"]').check();
      await waitUntil(async () => (await options()).some((o) => o.startsWith(CLERK2.name)), `${CLERK2.name} among the accounts`);
      const people = await options();
      assert(people.some((o) => o.startsWith(`${CLERK.name}（`)), `accounts ${people.join()}`);
      await approver.locator('[data-testid="msg-kind-org_unit"]').check();
      const units = await options();
      // An indented tree: the root flush left, the units below it indented (ideographic spaces).
      assert(units.length > 1 && !/^\u3000/.test(units[0]) && units.slice(1).every((u) => /^\u3000/.test(u)), `units ${units.join()}`);
      await picker.selectOption({ index: units.length }); // the last unit of the tree (index 0 is 请选择机构), below the root
      const hint = await textOf(approver.locator('[data-testid="msg-recipient-hint"]'));
      assert(/“[^”]+ \/ [^”]+”/.test(hint), `hint without the path "${hint}"`);
      await approver.locator('[data-testid="msg-kind-role"]').check();
      const roles = await options();
      assert(roles.includes('受理人员（clerk）'), `roles ${roles.join()}`);
      return `${people.length} accounts, ${units.length} units (${hint}), ${roles.length} roles`;
    });

    await check('发送消息 to the role clerk (picked, not typed) with e-mail: the confirmation names the recipients; sent', async () => {
      await approver.getByLabel('收件角色', { exact: true }).selectOption({ label: '受理人员（clerk）' });
      await approver.getByLabel('标题', { exact: true }).fill(TO_CLERKS.title);
      await approver.getByLabel('正文（选填）').fill(TO_CLERKS.body);
      await approver.getByLabel('链接（选填）').fill(`/content/${id}`);
      await approver.locator('[data-testid="msg-email"]').check();
      await approver.locator('[data-testid="msg-send"]').click();
      const dialog = approver.locator('dialog[open]');
      await dialog.waitFor({ state: 'visible', timeout: waitMs() });
      const text = await textOf(dialog);
      assert(text.includes('“受理人员”（clerk）') && text.includes('全体人员') && text.includes('邮件') && text.includes(TO_CLERKS.title), `dialog "${text}"`);
      const response = approver.waitForResponse((r) => new URL(r.url()).pathname === '/api/admin/messages', { timeout: waitMs() });
      await dialog.locator('[data-testid="confirm"]').click();
      const r = await response;
      assert(r.status() === 201, `HTTP ${r.status()}`);
      messageId = (await r.json()).id;
      const sent = JSON.parse(r.request().postData() ?? '{}');
      assert(sent.to.kind === 'role' && sent.to.id === 'clerk' && sent.channels.join() === 'email', JSON.stringify(sent));
      return `${text} | ${await noticeText(approver, '已向')}`;
    });
    await shotOf(approver)('send-message');

    await check(`${CLERK.name}'s badge goes up live and the message is in 我的消息`, async () => {
      await waitUntil(async () => (await badgeCount(clerk)) >= 1, 'a badge on 张三\'s page');
      await clerk.locator('header [data-testid="inbox-link"]').click();
      await clerk.waitForURL((url) => url.pathname === '/messages', { timeout: waitMs() });
      const row = clerk.locator('[data-testid="message-row"]').filter({ hasText: TO_CLERKS.title });
      await row.waitFor({ state: 'visible', timeout: waitMs() });
      await row.locator('[data-testid="message-open"]').click();
      const body = row.locator('[data-testid="message-body"]');
      await body.waitFor({ state: 'visible', timeout: waitMs() });
      assert((await textOf(body)).includes(TO_CLERKS.body), 'body');
      await waitUntil(async () => (await row.getAttribute('data-read')) === 'true', 'read');
      return await textOf(row);
    });

    await check('投递记录 lists the e-mail deliveries by name: 渠道未配置 for 张三, 无收件地址 for 赵六, with the reason', async () => {
      await approver.locator('[data-testid="sent-deliveries"]').click({ timeout: waitMs() });
      await approver.waitForURL((url) => url.pathname === '/admin/deliveries' && url.searchParams.get('message_id') === messageId, { timeout: waitMs() });
      const rows = approver.locator('[data-testid="delivery-row"]');
      // Deliveries are planned from the outbox after the message is stored: refresh until they are.
      await waitUntil(async () => {
        if ((await rows.count()) >= 2) return true;
        await approver.locator('[data-testid="refresh"]').click();
        await waitUntil(() => approver.locator('[data-testid="refresh"]').isEnabled(), 'the refresh');
        return (await rows.count()) >= 2;
      }, 'two delivery rows');
      const found = await rows.evaluateAll((els) => els.map((e) => `${e.dataset.channel}:${e.dataset.status}`));
      assert(found.length === 2 && found.every((f) => f.startsWith('email:')), `rows ${found.join()}`);
      assert(found.includes('email:unconfigured') && found.includes('email:no_address'), `statuses ${found.join()}`);
      const unconfigured = rows.filter({ has: approver.locator('[data-testid="delivery-status"]', { hasText: '渠道未配置' }) });
      assert((await textOf(unconfigured)).includes('zhangsan@gov.example.cn'), 'address not shown');
      const recipient = async (state) => textOf(approver.locator(`[data-testid="delivery-row"][data-status="${state}"] [data-testid="delivery-recipient"]`));
      assert((await recipient('unconfigured')) === CLERK.name, `recipient "${await recipient('unconfigured')}"`);
      assert((await recipient('no_address')) === CLERK2.name, `recipient "${await recipient('no_address')}"`);
      await unconfigured.locator('[data-testid="delivery-toggle"]').click();
      const attempts = approver.locator('[data-testid="delivery-attempts"]');
      await attempts.waitFor({ state: 'visible', timeout: waitMs() });
      assert((await textOf(attempts)).includes('平台未配置该渠道'), `attempts "${await textOf(attempts)}"`);
      return `${found.join(', ')}; ${await textOf(approver.locator('[data-testid="deliveries-summary"]'))}`;
    });
    await shotOf(approver)('deliveries');

    await check('投递记录: the status filter 已发送 shows none, 全部 shows them again', async () => {
      await approver.locator('[data-testid="clear-message-filter"]').click();
      const rows = approver.locator('[data-testid="delivery-row"]');
      const response = approver.waitForResponse((r) => new URL(r.url()).searchParams.get('status') === 'sent', { timeout: waitMs() });
      await approver.locator('[data-testid="delivery-status-filter"]').selectOption('sent');
      await response;
      await approver.locator('[data-testid="deliveries-empty"]').waitFor({ state: 'visible', timeout: waitMs() });
      await approver.locator('[data-testid="delivery-status-filter"]').selectOption('');
      await waitUntil(async () => (await rows.count()) >= 2, 'the rows again');
    });

    await check(`${CLERK2.name} (also clerk) got the message too`, async () => {
      const ctx = await open();
      await login(ctx.page, CLERK2, '/account');
      const inbox = await api(ctx.page, 'GET', '/api/messages');
      assert(inbox.json.messages.some((m) => m.title === TO_CLERKS.title), 'not in 赵六\'s inbox');
      await waitUntil(async () => (await badgeCount(ctx.page)) >= 1, 'a badge on 赵六\'s page');
    });

    await check('退出 closes the message stream', async () => {
      let ended = false;
      const onEnd = (r) => new URL(r.url()).pathname === '/api/messages/stream' && (ended = true);
      clerk.on('requestfailed', onEnd);
      clerk.on('requestfinished', onEnd);
      await clerk.getByRole('button', { name: '退出', exact: true }).click({ timeout: waitMs() });
      await clerk.waitForURL((url) => url.pathname === '/login', { timeout: waitMs() });
      await waitUntil(() => ended, 'the stream request to end');
      assert((await clerk.locator('header [data-testid="inbox-link"]').count()) === 0, '消息 still shown');
    });

    await check('no script from content ran, and no uncaught JavaScript errors on the pages', async () => {
      for (const p of pages) {
        if (p.page.isClosed()) continue;
        assert((await p.page.evaluate(() => window.__pwned)) === undefined, 'window.__pwned is set');
      }
      const errors = pages.flatMap((p) => p.pageErrors);
      assert(errors.length === 0, errors.join(' | '));
    });
  } catch (e) {
    fail('unexpected error', e);
    await shotOf(clerk)('failure').catch(() => {});
  }
}

await run(OVERALL_TIMEOUT_MS, main);
