#!/usr/bin/env node
// Browser test of identity self-service, session administration and the auditor's log, against a
// live kernel with the demo data and trust anchors for a test PKI (tests/browser/browser_test.cpp
// makes both):
//
//   WANGBAN_URL=http://127.0.0.1:18080 PKI_DIR=/tmp/pki [SCREENSHOT=/tmp/identity] node tests/browser/identity.test.mjs
//
// PKI_DIR holds PEM files: person.crt/person.key (SM2, 张三, 11010519491231002X), wrong.key (another
// SM2 key), legal.crt/legal.key (SM2, a legal person with a unified social credit code),
// ec.crt/ec.key (ECDSA P-256, 李四) and rsa.crt/rsa.key (RSA, 王小明); keys are unencrypted PKCS#8.
//
// Several people at once, each in a browser context of their own:
//  - 张三 logs in with the SM2 certificate (signed in the browser; a wrong key is refused first, and
//    no request ever carries the key), sees 我的账号 with the masked ID, edits 手机号码 (a bad number
//    shows the Chinese error, a good one is saved and survives a reload);
//  - ECDSA P-256 and RSA certificates log in too (WebCrypto);
//  - the legal person logs in by certificate, authorises 张三 as its agent (a wrong check digit is
//    refused in the browser); 张三 acts for it (the header shows 代表：…) and returns to self; the
//    legal person revokes the agent after a confirmation;
//  - admin (password) forces 张三's session out on 会话管理 (张三's page is sent to the login
//    page), and disables and re-enables approver (its session ends);
//  - clerk2 changes the password (wrong current, weak new, then good; the other session ends);
//  - auditor lands on 审计日志: the tree head, the filter by auth.login, 验证 of an inclusion proof
//    in the browser (已验证), the CSV export (with BOM; itself audited), a time filter and paging.
// Prints one line per check, then "N passed, N failed"; exits 0 only if none failed. SCREENSHOT is a
// path prefix for one picture per page (<prefix>-<page>.png).

import fs from 'node:fs';
import path from 'node:path';
import { assert, check, fail, launchPage, newPage, readEnv, run, screenshots, squash, waitMs, waitUntil } from './harness.mjs';

const OVERALL_TIMEOUT_MS = 240_000;
const DEMO_PASSWORD = 'Wangban-Demo-2026';
const PERSON = { name: '张三', id: '11010519491231002X', masked: '110***********002X' };
const LEGAL = { name: '福州测试科技有限公司', code: '91350100M000100Y43' };
const EC_PERSON = '李四';
const RSA_PERSON = '王小明';
const CLERK2 = { username: 'clerk2', name: '赵六', next: 'Zheng-Wu-2027!x', weak: 'short1' };

const shotPath = (prefix, name) => `${prefix}-${name}.png`;

async function main() {
  const { base, screenshot } = readEnv();
  const pki = process.env.PKI_DIR ?? '';
  const file = (name) => path.join(pki, name);
  const envOk = await check('environment (WANGBAN_URL, PKI_DIR with the certificates and keys)', () => {
    assert(/^https?:\/\//.test(base), 'WANGBAN_URL must be an http(s) URL');
    for (const f of ['person.crt', 'person.key', 'wrong.key', 'legal.crt', 'legal.key', 'ec.crt', 'ec.key', 'rsa.crt', 'rsa.key']) {
      assert(fs.existsSync(file(f)), `missing ${file(f)}`);
    }
    return base;
  });
  if (!envOk) return;

  const first = await launchPage();
  if (!first) return;
  const pages = [first];
  const open = async () => {
    const p = await newPage();
    pages.push(p);
    return p;
  };
  const person = first.page;
  const takeShot = screenshots(person, screenshot, (name) => shotPath(screenshot, name));
  const shotOf = (page) => screenshots(page, screenshot, (name) => shotPath(screenshot, name));

  // Nothing the browser sends may contain a private key.
  const keyBodies = ['person.key', 'legal.key', 'ec.key', 'rsa.key', 'wrong.key'].map((f) =>
    fs.readFileSync(file(f), 'utf8').split('\n').filter((l) => l && !l.startsWith('-----'))[0],
  );
  const leaks = [];
  const certLogins = [];
  const watchRequests = (page) =>
    page.on('request', (r) => {
      const body = r.postData() ?? '';
      if (body.includes('PRIVATE KEY') || keyBodies.some((k) => body.includes(k))) leaks.push(r.url());
      if (new URL(r.url()).pathname === '/api/auth/cert/login') certLogins.push(r);
    });
  watchRequests(person);

  const header = (page) => page.locator('header [data-testid="current-user"]');
  const headerName = async (page) => ((await header(page).count()) > 0 ? squash(await header(page).innerText()) : '');
  const navLink = (page, label) => page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: label, exact: true });
  const openPage = async (page, label, path, heading = label) => {
    await navLink(page, label).click({ timeout: waitMs() });
    await page.waitForURL((url) => url.pathname === path, { timeout: waitMs() });
    await page.getByRole('heading', { level: 1, name: heading }).waitFor({ state: 'visible', timeout: waitMs() });
  };
  const textOf = async (locator) => squash(await locator.innerText({ timeout: waitMs() }));
  const noticeText = async (page, what, testid = 'notice') => {
    const n = page.locator(`[data-testid="${testid}"]`);
    await waitUntil(async () => (await n.count()) > 0 && squash(await n.innerText()).includes(what), `a notice with "${what}"`);
    return squash(await n.innerText());
  };
  const apiStatus = (page, url) => page.evaluate(async (u) => (await fetch(u, { credentials: 'same-origin' })).status, url);
  const apiJson = (page, url) => page.evaluate(async (u) => (await fetch(u, { credentials: 'same-origin' })).json(), url);

  /** Opens the login page and logs in with a certificate and key from PKI_DIR. */
  const certificateLogin = async (page, cert, key) => {
    await page.goto(`${base}/login`, { waitUntil: 'domcontentloaded', timeout: waitMs() });
    await page.getByRole('tab', { name: '数字证书登录' }).click({ timeout: waitMs() });
    await page.locator('#cert-file').setInputFiles(file(cert), { timeout: waitMs() });
    await page.locator('[data-testid="cert-summary"]').waitFor({ state: 'visible', timeout: waitMs() });
    await page.locator('#cert-key').setInputFiles(file(key), { timeout: waitMs() });
    await page.locator('[data-testid="cert-login"]').click({ timeout: waitMs() });
  };
  const passwordLogin = async (page, username, password) => {
    await page.goto(`${base}/login`, { waitUntil: 'domcontentloaded', timeout: waitMs() });
    await page.locator('#login-username').fill(username, { timeout: waitMs() });
    await page.locator('#login-password').fill(password);
    await page.locator('[data-testid="password-login"]').click();
  };
  const landed = async (page, path, name) => {
    await page.waitForURL((url) => url.pathname === path, { timeout: waitMs() });
    await waitUntil(async () => (await headerName(page)) === name, `the header to show ${name}`);
  };

  try {
    // ---- 张三: certificate login ----
    if (!(await check('/account without a session goes to the login page, which offers the methods of /api/auth/methods', async () => {
      const methods = person.waitForResponse((r) => new URL(r.url()).pathname === '/api/auth/methods', { timeout: waitMs() });
      await person.goto(`${base}/account`, { waitUntil: 'domcontentloaded', timeout: waitMs() });
      await person.waitForURL((url) => url.pathname === '/login', { timeout: waitMs() });
      const offered = await (await methods).json();
      assert(offered.password === true && offered.certificate === true && offered.oidc === false, JSON.stringify(offered));
      const tabs = await person.locator('[data-testid="login-tab"]').evaluateAll((els) => els.map((e) => e.dataset.method));
      assert(JSON.stringify(tabs) === '["password","certificate"]', `tabs ${tabs.join(',')}`);
      assert((await person.getByRole('tab', { name: '工作人员登录' }).getAttribute('aria-selected')) === 'true', 'staff tab not selected');
      return `${JSON.stringify(offered)}; tabs ${tabs.join(', ')}`;
    }))) return;

    await check('数字证书登录 tab: two file fields and the note that the key never leaves the browser', async () => {
      await person.getByRole('tab', { name: '数字证书登录' }).click({ timeout: waitMs() });
      assert((await person.getByRole('tab', { name: '数字证书登录' }).getAttribute('aria-selected')) === 'true', 'tab not selected');
      await person.getByLabel('证书文件', { exact: true }).waitFor({ state: 'visible', timeout: waitMs() });
      await person.getByLabel('私钥文件', { exact: true }).waitFor({ state: 'visible', timeout: waitMs() });
      const note = await textOf(person.locator('[data-testid="cert-key-note"]'));
      assert(note.includes('只在本浏览器中') && note.includes('不会上传'), `note "${note}"`);
      return note;
    });
    await takeShot('login-certificate');

    await check('the certificate summary shows the holder and the masked ID', async () => {
      await person.locator('#cert-file').setInputFiles(file('person.crt'), { timeout: waitMs() });
      const summary = await textOf(person.locator('[data-testid="cert-summary"]'));
      assert(summary.includes(PERSON.name) && summary.includes(PERSON.masked), `summary "${summary}"`);
      assert(!summary.includes(PERSON.id), 'the full ID is shown');
      return summary;
    });

    await check('a key that is not the certificate\'s is refused in the browser with a clear message', async () => {
      await person.locator('#cert-key').setInputFiles(file('wrong.key'), { timeout: waitMs() });
      await person.locator('[data-testid="cert-login"]').click();
      const err = person.locator('[data-testid="cert-key-error"]');
      await err.waitFor({ state: 'visible', timeout: waitMs() });
      const text = await textOf(err);
      assert(text.includes('私钥与证书不匹配'), `error "${text}"`);
      assert((await person.locator('#cert-key').getAttribute('aria-invalid')) === 'true', 'key field not aria-invalid');
      assert(certLogins.length === 0, 'a login was sent with the wrong key');
      assert(new URL(person.url()).pathname === '/login', 'left the login page');
      return text;
    });

    if (!(await check(`SM2 certificate login (signed in the browser) lands on 我的账号 as ${PERSON.name}`, async () => {
      await person.locator('#cert-key').setInputFiles(file('person.key'), { timeout: waitMs() });
      const response = person.waitForResponse((r) => new URL(r.url()).pathname === '/api/auth/cert/login', { timeout: waitMs() });
      await person.locator('[data-testid="cert-login"]').click();
      const r = await response;
      assert(r.status() === 200, `HTTP ${r.status()}: ${await r.text()}`);
      const sent = JSON.parse(r.request().postData() ?? '{}');
      assert(Array.isArray(sent.certificate_chain) && sent.certificate_chain[0].includes('BEGIN CERTIFICATE'), 'no chain sent');
      assert(/^[0-9a-f]{64}$/.test(sent.nonce) && sent.signature.length > 60, 'no nonce or signature');
      await landed(person, '/account', PERSON.name);
      const kind = await textOf(person.locator('header .user-kind'));
      assert(kind === '个人用户', `header kind "${kind}"`);
      assert((await textOf(person.locator('[data-testid="me-name"]'))) === PERSON.name, 'me-name');
      return `signature ${sent.signature.length} Base64 characters`;
    }))) return;

    const personMe = await apiJson(person, '/api/auth/me');

    await check('我的账号 shows the GB/T 39046 fields: 证件号码 masked with 显示, 性别 女, 已实名认证', async () => {
      const facts = person.locator('[data-testid="profile-facts"]');
      await facts.waitFor({ state: 'visible', timeout: waitMs() });
      const text = await textOf(facts);
      for (const label of ['证件类型', '居民身份证', '证件号码', '姓名', '性别', '民族', '手机号码', '电子邮箱', '是否实名认证']) {
        assert(text.includes(label), `no ${label} in "${text}"`);
      }
      const id = person.locator('[data-testid="profile-id-number"]');
      assert((await textOf(id)) === PERSON.masked, `ID shows "${await textOf(id)}"`);
      await person.locator('[data-testid="profile-id-toggle"]').click();
      await waitUntil(async () => (await textOf(id)) === PERSON.id, 'the full ID after 显示');
      assert((await textOf(person.locator('[data-testid="profile-gender"]'))) === '女', 'gender');
      assert((await textOf(person.locator('[data-testid="profile-verified"]'))).includes('已实名认证'), 'verified');
      return text;
    });
    await takeShot('account-person');

    await check('手机号码 12345 is refused beside the field in Chinese, before any request', async () => {
      await person.locator('[data-testid="profile-edit"]').click({ timeout: waitMs() });
      let puts = 0;
      const count = (r) => r.method() === 'PUT' && (puts += 1);
      person.on('request', count);
      await person.getByLabel('手机号码').fill('12345', { timeout: waitMs() });
      await person.locator('[data-testid="profile-save"]').click();
      const err = person.locator('[data-testid="mobile-error"]');
      await err.waitFor({ state: 'visible', timeout: waitMs() });
      const text = await textOf(err);
      person.off('request', count);
      assert(text.includes('手机号码') && text.includes('11 位'), `error "${text}"`);
      assert((await person.locator('#profile-mobile').getAttribute('aria-invalid')) === 'true', 'field not aria-invalid');
      assert(((await person.locator('#profile-mobile').getAttribute('aria-describedby')) ?? '').includes('profile-mobile-error'), 'error not described');
      assert(puts === 0, 'the bad number was sent');
      return text;
    });

    await check('a good 手机号码, 电子邮箱 and 民族 are saved and still shown after a reload', async () => {
      await person.locator('#profile-mobile').fill('13912345678');
      await person.locator('#profile-email').fill('zhangsan@example.cn');
      await person.locator('#profile-ethnicity').selectOption('汉族');
      const put = person.waitForResponse((r) => r.request().method() === 'PUT' && new URL(r.url()).pathname === '/api/auth/profile', { timeout: waitMs() });
      await person.locator('[data-testid="profile-save"]').click();
      assert((await put).status() === 204, `PUT HTTP ${(await put).status()}`);
      await noticeText(person, '已保存', 'profile-notice');
      await person.reload({ waitUntil: 'domcontentloaded', timeout: waitMs() });
      const mobile = person.locator('[data-testid="profile-mobile"]');
      await waitUntil(async () => (await mobile.count()) > 0 && (await textOf(mobile)) === '13912345678', 'the saved mobile after reload');
      const facts = await textOf(person.locator('[data-testid="profile-facts"]'));
      assert(facts.includes('zhangsan@example.cn') && facts.includes('汉族'), `facts "${facts}"`);
      return facts;
    });

    // ---- ECDSA P-256 and RSA certificates (WebCrypto) ----
    const other = await open();
    watchRequests(other.page);
    for (const [cert, key, name, kind] of [
      ['ec.crt', 'ec.key', EC_PERSON, 'ECDSA P-256'],
      ['rsa.crt', 'rsa.key', RSA_PERSON, 'RSA'],
    ]) {
      await check(`${kind} certificate login (WebCrypto) lands on 我的账号 as ${name}`, async () => {
        await certificateLogin(other.page, cert, key);
        await landed(other.page, '/account', name);
        await other.page.getByRole('button', { name: '退出', exact: true }).click();
        await other.page.waitForURL((url) => url.pathname === '/login', { timeout: waitMs() });
      });
    }

    // ---- The legal person authorises 张三 ----
    const legalCtx = await open();
    const legal = legalCtx.page;
    watchRequests(legal);
    if (!(await check(`the legal person logs in by certificate: 法人用户 ${LEGAL.name}`, async () => {
      await certificateLogin(legal, 'legal.crt', 'legal.key');
      await landed(legal, '/account', LEGAL.name);
      assert((await textOf(legal.locator('header .user-kind'))) === '法人用户', 'header kind');
      const code = legal.locator('[data-testid="profile-credit-code"]');
      await code.waitFor({ state: 'visible', timeout: waitMs() });
      assert((await textOf(code)) === LEGAL.code, `credit code "${await textOf(code)}"`);
      const facts = await textOf(legal.locator('[data-testid="profile-facts"]'));
      for (const label of ['统一社会信用代码', '名称', '法定代表人', '注册地址', '成立日期', '经营范围']) assert(facts.includes(label), `no ${label}`);
      return facts;
    }))) return;
    await shotOf(legal)('account-legal');

    await check('经办人授权: a citizen ID with a wrong check digit is refused in the browser', async () => {
      await openPage(legal, '经办人授权', '/account/agents');
      await legal.locator('[data-testid="agents-empty"]').waitFor({ state: 'visible', timeout: waitMs() });
      await legal.getByLabel('经办人身份证号码').fill('110105194912310021');
      await legal.locator('[data-testid="agent-add"]').click();
      const err = legal.locator('[data-testid="agent-id-error"]');
      await err.waitFor({ state: 'visible', timeout: waitMs() });
      const text = await textOf(err);
      assert(text.includes('校验位'), `error "${text}"`);
      return text;
    });

    await check(`经办人授权: ${PERSON.name} for 全部事项, 30 days`, async () => {
      await legal.getByLabel('经办人身份证号码').fill(PERSON.id.toLowerCase());
      await legal.getByLabel('有效天数').fill('30');
      await legal.locator('[data-testid="agent-add"]').click();
      const row = legal.locator(`[data-testid="agent-row"][data-id-number="${PERSON.id}"]`);
      await row.waitFor({ state: 'visible', timeout: waitMs() });
      const text = await textOf(row);
      assert(text.includes(PERSON.name) && text.includes('全部事项') && text.includes(PERSON.masked), `row "${text}"`);
      return `${await noticeText(legal, '已授权')} | ${text}`;
    });
    await shotOf(legal)('agents');

    // ---- 张三 acts for the legal person ----
    await check(`代办: ${PERSON.name} acts for ${LEGAL.name}; the header says 代表：${LEGAL.name}`, async () => {
      await openPage(person, '代办', '/account/mandates');
      const row = person.locator(`[data-testid="mandate-row"][data-credit-code="${LEGAL.code}"]`);
      await row.waitFor({ state: 'visible', timeout: waitMs() });
      await row.locator('[data-testid="act-for"]').click();
      const acting = person.locator('header [data-testid="acting-for"]');
      await waitUntil(async () => (await acting.count()) > 0 && (await textOf(acting)) === `代表：${LEGAL.name}`, 'the header to show 代表');
      const me = await apiJson(person, '/api/auth/me');
      assert(typeof me.acting_for === 'string' && me.acting_for.length > 0, `acting_for ${me.acting_for}`);
      assert((await textOf(person.locator('[data-testid="acting-card"]'))).includes(LEGAL.name), 'no acting card');
      return await textOf(acting);
    });
    await takeShot('mandates');

    await check('恢复个人身份: the header no longer says 代表', async () => {
      await person.locator('[data-testid="act-self"]').click({ timeout: waitMs() });
      await waitUntil(async () => (await person.locator('header [data-testid="acting-for"]').count()) === 0, 'the 代表 label to go');
      const me = await apiJson(person, '/api/auth/me');
      assert(me.acting_for === null, `acting_for ${me.acting_for}`);
      return await noticeText(person, '恢复个人身份');
    });

    await check('撤销 asks for confirmation, then the agent is gone', async () => {
      await legal.locator(`[data-testid="agent-row"][data-id-number="${PERSON.id}"] [data-testid="agent-revoke"]`).click({ timeout: waitMs() });
      const dialog = legal.locator('dialog[open]');
      await dialog.waitFor({ state: 'visible', timeout: waitMs() });
      const text = await textOf(dialog);
      assert(text.includes(PERSON.name) && text.includes('撤销'), `dialog "${text}"`);
      await dialog.locator('[data-testid="confirm"]').click();
      await legal.locator('[data-testid="agents-empty"]').waitFor({ state: 'visible', timeout: waitMs() });
      return await noticeText(legal, '已撤销');
    });

    // ---- admin: 会话管理, 停用 / 启用 ----
    const adminCtx = await open();
    const admin = adminCtx.page;
    await check('admin: a wrong password is refused (an audited denial)', async () => {
      await passwordLogin(admin, 'admin', `${DEMO_PASSWORD}-wrong`);
      const banner = admin.locator('[data-testid="error"]');
      await banner.waitFor({ state: 'visible', timeout: waitMs() });
      return await textOf(banner);
    });
    if (!(await check('admin logs in with the password and sees 会话管理 and 审计日志', async () => {
      await admin.locator('#login-password').fill(DEMO_PASSWORD);
      await admin.locator('[data-testid="password-login"]').click();
      await landed(admin, '/admin/plugins', '系统管理员');
      for (const label of ['会话管理', '审计日志', '账号管理']) assert((await navLink(admin, label).count()) === 1, `no ${label}`);
    }))) return;

    await check(`会话管理 lists ${PERSON.name}'s and ${LEGAL.name}'s sessions and the admin's own as current`, async () => {
      await openPage(admin, '会话管理', '/admin/sessions');
      const personRow = admin.locator(`[data-testid="live-session-row"][data-account="${personMe.account_id}"]`);
      await personRow.waitFor({ state: 'visible', timeout: waitMs() });
      const text = await textOf(personRow);
      assert(text.includes(PERSON.name) && text.includes('个人用户') && text.includes('Chrome'), `row "${text}"`);
      assert((await admin.locator(`[data-testid="live-session-row"][data-name="${LEGAL.name}"]`).count()) === 1, 'no legal person session');
      const mine = admin.locator('[data-testid="live-session-row"][data-current="true"]');
      assert((await mine.count()) === 1, 'no current session');
      assert((await mine.locator('[data-testid="session-end"]').count()) === 0, 'the own session offers 强制下线');
      return `${await admin.locator('[data-testid="live-session-row"]').count()} sessions; ${text}`;
    });
    await shotOf(admin)('admin-sessions');

    await check(`强制下线 ${PERSON.name} after a confirmation`, async () => {
      const row = admin.locator(`[data-testid="live-session-row"][data-account="${personMe.account_id}"]`);
      await row.locator('[data-testid="session-end"]').click({ timeout: waitMs() });
      const dialog = admin.locator('dialog[open]');
      await dialog.waitFor({ state: 'visible', timeout: waitMs() });
      const text = await textOf(dialog);
      assert(text.includes(PERSON.name) && text.includes('重新登录'), `dialog "${text}"`);
      await dialog.locator('[data-testid="confirm"]').click();
      await noticeText(admin, '强制');
      await waitUntil(async () => (await row.count()) === 0, 'the row to go');
      return text;
    });

    await check(`${PERSON.name}'s browser is sent to the login page (登录已过期) at its next request`, async () => {
      await navLink(person, '我的会话').click({ timeout: waitMs() });
      await person.waitForURL((url) => url.pathname === '/login', { timeout: waitMs() });
      const banner = person.locator('[data-testid="error"]');
      await banner.waitFor({ state: 'visible', timeout: waitMs() });
      const text = await textOf(banner);
      assert(text.includes('登录已过期'), `banner "${text}"`);
      assert((await header(person).count()) === 0, 'header still shows a user');
      return text;
    });

    const approverCtx = await open();
    await check('账号管理: 停用 approver (confirmation says its sessions end; they do), then 启用', async () => {
      const login = await approverCtx.context.request.post(`${base}/api/auth/login`, { data: { username: 'approver', password: DEMO_PASSWORD } });
      assert(login.status() === 200, `approver login HTTP ${login.status()}`);
      assert((await approverCtx.context.request.get(`${base}/api/auth/me`)).status() === 200, 'approver session not live');
      await openPage(admin, '账号管理', '/admin/accounts');
      const row = admin.locator('[data-testid="account-row"][data-username="approver"]');
      await row.locator('[data-testid="account-toggle"]').click({ timeout: waitMs() });
      const dialog = admin.locator('dialog[open]');
      await dialog.waitFor({ state: 'visible', timeout: waitMs() });
      const text = await textOf(dialog);
      assert(text.includes('停用') && text.includes('会话'), `dialog "${text}"`);
      await dialog.locator('[data-testid="confirm"]').click();
      await waitUntil(async () => (await row.locator('[data-testid="account-state"]').getAttribute('data-state')) === 'disabled', 'state 已停用');
      const after = (await approverCtx.context.request.get(`${base}/api/auth/me`)).status();
      assert(after === 401, `approver's session answers ${after}`);
      await row.locator('[data-testid="account-toggle"]').click({ timeout: waitMs() });
      await dialog.waitFor({ state: 'visible', timeout: waitMs() });
      assert((await textOf(dialog)).includes('启用'), 'no 启用 dialog');
      await dialog.locator('[data-testid="confirm"]').click();
      await waitUntil(async () => (await row.locator('[data-testid="account-state"]').getAttribute('data-state')) === 'active', 'state 正常');
      return text;
    });
    await shotOf(admin)('accounts');

    // ---- clerk2: 修改口令 ----
    const clerkCtx = await open();
    const clerk = clerkCtx.page;
    const spare = await open();
    await check(`${CLERK2.username}: 修改口令 refuses a wrong current password and a weak new one, then ends the other sessions`, async () => {
      const login = await spare.context.request.post(`${base}/api/auth/login`, { data: { username: CLERK2.username, password: DEMO_PASSWORD } });
      assert(login.status() === 200, `second session HTTP ${login.status()}`);
      await passwordLogin(clerk, CLERK2.username, DEMO_PASSWORD);
      await waitUntil(async () => (await headerName(clerk)) === CLERK2.name, 'the header user');
      await clerk.locator('header [data-testid="current-user-link"]').click();
      await clerk.getByRole('link', { name: '修改口令', exact: true }).click({ timeout: waitMs() });
      await clerk.waitForURL((url) => url.pathname === '/account/password', { timeout: waitMs() });

      await clerk.getByLabel('当前口令', { exact: true }).fill('not-the-password');
      await clerk.getByLabel('新口令', { exact: true }).fill(CLERK2.next);
      await clerk.getByLabel('再次输入新口令', { exact: true }).fill(CLERK2.next);
      await clerk.locator('[data-testid="password-save"]').click();
      const current = clerk.locator('[data-testid="current-error"]');
      await current.waitFor({ state: 'visible', timeout: waitMs() });
      assert((await textOf(current)).includes('当前口令不正确'), `current error "${await textOf(current)}"`);

      await clerk.getByLabel('当前口令', { exact: true }).fill(DEMO_PASSWORD);
      await clerk.getByLabel('新口令', { exact: true }).fill(CLERK2.weak);
      await clerk.getByLabel('再次输入新口令', { exact: true }).fill(CLERK2.weak);
      await clerk.locator('[data-testid="password-save"]').click();
      const weak = clerk.locator('[data-testid="new-error"]');
      await weak.waitFor({ state: 'visible', timeout: waitMs() });
      const reason = await textOf(weak);
      assert(/口令/.test(reason) && /[\u4e00-\u9fff]/.test(reason), `weak reason "${reason}"`);

      await clerk.getByLabel('新口令', { exact: true }).fill(CLERK2.next);
      await clerk.getByLabel('再次输入新口令', { exact: true }).fill(CLERK2.next);
      await clerk.locator('[data-testid="password-save"]').click();
      const notice = await noticeText(clerk, '其他设备');
      const spareStatus = (await spare.context.request.get(`${base}/api/auth/me`)).status();
      assert(spareStatus === 401, `the other session answers ${spareStatus}`);
      assert((await apiStatus(clerk, '/api/auth/me')) === 200, 'the current session ended');
      return `${reason} | ${notice}`;
    });
    await shotOf(clerk)('password');

    // ---- auditor: 审计日志 ----
    const auditorCtx = await open();
    const auditor = auditorCtx.page;
    const rows = auditor.locator('[data-testid="audit-row"]');
    const seqs = () => rows.evaluateAll((els) => els.map((e) => Number(e.dataset.seq)));
    const settled = () => waitUntil(async () => (await auditor.locator('[data-testid="audit-row"], [data-testid="audit-empty"]').count()) > 0 && (await auditor.locator('[data-testid="refresh"]').isEnabled()), 'the entries to load');
    if (!(await check('auditor logs in and starts at 审计日志; no admin pages', async () => {
      await passwordLogin(auditor, 'auditor', DEMO_PASSWORD);
      await landed(auditor, '/audit', '王五');
      await auditor.getByRole('heading', { level: 1, name: '审计日志' }).waitFor({ state: 'visible', timeout: waitMs() });
      for (const label of ['账号管理', '会话管理', '插件管理', '机构管理', '角色管理']) assert((await navLink(auditor, label).count()) === 0, `${label} shown`);
      assert((await navLink(auditor, '审计日志').count()) === 1, 'no 审计日志');
    }))) return;

    await check('the tree head shows the size and the SM3 root', async () => {
      const size = auditor.locator('[data-testid="audit-size"]');
      await size.waitFor({ state: 'visible', timeout: waitMs() });
      const n = Number(await textOf(size));
      const root = await textOf(auditor.locator('[data-testid="audit-root"]'));
      assert(n > 20, `size ${n}`);
      assert(/^[0-9a-f]{64}$/.test(root), `root "${root}"`);
      return `size ${n}, root ${root.slice(0, 16)}…`;
    });

    await check('filter 操作 = auth.login: only logins, with 成功 and 拒绝访问 badges', async () => {
      await settled();
      await auditor.getByLabel('操作', { exact: true }).fill('auth.login');
      const response = auditor.waitForResponse((r) => new URL(r.url()).pathname === '/api/audit/entries', { timeout: waitMs() });
      await auditor.locator('[data-testid="audit-search"]').click();
      assert(new URL((await response).url()).searchParams.get('action') === 'auth.login', 'the filter was not sent');
      await settled();
      const actions = await rows.evaluateAll((els) => els.map((e) => e.dataset.action));
      assert(actions.length > 0 && actions.every((a) => a === 'auth.login'), `actions ${[...new Set(actions)].join(',')}`);
      const outcomes = await auditor.locator('[data-testid="audit-outcome"]').evaluateAll((els) => els.map((e) => `${e.dataset.outcome}:${e.textContent.trim()}`));
      assert(outcomes.includes('ok:成功') && outcomes.includes('denied:拒绝访问'), `outcomes ${[...new Set(outcomes)].join(',')}`);
      return `${actions.length} logins; ${[...new Set(outcomes)].join(', ')}`;
    });
    await shotOf(auditor)('audit');

    await check('验证 checks an entry\'s inclusion proof in the browser: 已验证', async () => {
      const row = rows.nth(2);
      const seq = await row.getAttribute('data-seq');
      const proof = auditor.waitForResponse((r) => new URL(r.url()).pathname === '/api/audit/proofs/inclusion', { timeout: waitMs() });
      await row.locator('[data-testid="audit-verify"]').click({ timeout: waitMs() });
      const p = await (await proof).json();
      const verdict = row.locator('[data-testid="audit-verdict"]');
      await waitUntil(async () => (await verdict.count()) > 0 && (await verdict.getAttribute('data-state')) !== 'pending', 'the verdict');
      const state = await verdict.getAttribute('data-state');
      assert(state === 'ok' && (await textOf(verdict)) === '已验证', `verdict ${state}: ${await verdict.getAttribute('title')}`);
      return `seq ${seq} in a tree of ${p.size}, ${p.path.length} path hashes`;
    });

    await check('导出 CSV downloads the filtered entries as UTF-8 with a BOM', async () => {
      const download = auditor.waitForEvent('download', { timeout: waitMs() });
      await auditor.locator('[data-testid="audit-export"]').click();
      const d = await download;
      const bytes = fs.readFileSync(await d.path());
      assert(bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf, `starts with ${bytes.subarray(0, 3).toString('hex')}`);
      const lines = bytes.toString('utf8').slice(1).split(/\r\n/).filter(Boolean);
      assert(lines[0].startsWith('seq,at,actor,'), `header "${lines[0]}"`);
      assert(lines.length > 1 && lines.slice(1).every((l) => l.includes(',auth.login,')), 'rows other than auth.login');
      return `${d.suggestedFilename()}: ${lines.length - 1} rows`;
    });

    await check('the export itself is in the log (操作 = audit.export)', async () => {
      await auditor.getByLabel('操作', { exact: true }).fill('audit.export');
      await auditor.locator('[data-testid="audit-search"]').click();
      await waitUntil(async () => {
        const actions = await rows.evaluateAll((els) => els.map((e) => e.dataset.action));
        return actions.length > 0 && actions.every((a) => a === 'audit.export');
      }, 'an audit.export row');
    });

    await check('起始时间 tomorrow finds nothing; an hour ago finds today\'s entries', async () => {
      const local = (offsetMs) =>
        auditor.evaluate((ms) => {
          const d = new Date(Date.now() + ms);
          const pad = (n) => String(n).padStart(2, '0');
          return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
        }, offsetMs);
      await auditor.getByLabel('操作', { exact: true }).fill('');
      await auditor.getByLabel('起始时间', { exact: true }).fill(await local(86_400_000));
      await auditor.locator('[data-testid="audit-search"]').click();
      await auditor.locator('[data-testid="audit-empty"]').waitFor({ state: 'visible', timeout: waitMs() });
      const response = auditor.waitForResponse((r) => new URL(r.url()).pathname === '/api/audit/entries', { timeout: waitMs() });
      await auditor.getByLabel('起始时间', { exact: true }).fill(await local(-3_600_000));
      await auditor.locator('[data-testid="audit-search"]').click();
      const from = new URL((await response).url()).searchParams.get('from') ?? '';
      assert(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(from), `from "${from}"`);
      await rows.first().waitFor({ state: 'visible', timeout: waitMs() });
      return `from=${from}`;
    });

    await check('paging: 20 a page, 更早的记录 continues with older entries', async () => {
      await auditor.getByRole('button', { name: '清除条件' }).click();
      await settled();
      await auditor.locator('[data-testid="audit-page-size"]').selectOption('20');
      await waitUntil(async () => (await seqs()).length === 20, '20 rows');
      const firstPage = await seqs();
      await auditor.locator('[data-testid="audit-more"]').click({ timeout: waitMs() });
      await waitUntil(async () => (await seqs()).length > 20, 'more rows');
      const all = await seqs();
      assert(all.every((s, i) => i === 0 || s < all[i - 1]), 'seqs not strictly decreasing');
      assert(all.slice(0, 20).join() === firstPage.join(), 'the first page changed');
      return `${all.length} rows, seq ${all[0]} … ${all[all.length - 1]}`;
    });

    await check('no private key in any request', () => {
      assert(leaks.length === 0, leaks.join(' | '));
      return `${certLogins.length} certificate logins watched`;
    });

    await check('no uncaught JavaScript errors on the pages', () => {
      const errors = pages.flatMap((p) => p.pageErrors);
      assert(errors.length === 0, errors.join(' | '));
    });
  } catch (e) {
    fail('unexpected error', e);
    await takeShot('failure').catch(() => {});
  }
}

await run(OVERALL_TIMEOUT_MS, main);
