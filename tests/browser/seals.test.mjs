#!/usr/bin/env node
// Browser test of the trust services (电子印章 and 签名验证) against a live kernel with the demo data
// (tests/browser/browser_test.cpp starts it):
//
//   WANGBAN_URL=http://127.0.0.1:18080 [SCREENSHOT=/tmp/seals] node tests/browser/seals.test.mjs
//
// Several people at once, each in a browser context of their own:
//  - admin (password) finds 印章管理 right after 会话管理; on 制作印章 a wrong unified social credit
//    code is refused beside the field (in Chinese, before any request); an organisation seal with a
//    drawn picture is made (the live preview is a PNG from /api/admin/seals/preview), then a
//    personal name seal for clerk2 赵六 picked from the staff directory; the list shows both with
//    their pictures;
//  - 赵六 (clerk2) opens 我的名章 from the header: the seal with its picture; signs a small text file
//    (试用盖章) and downloads the .ses signature, whose bytes are the kernel's; 去验证 carries both
//    files to /verify;
//  - an anonymous browser verifies document + signature on /verify → 验证通过 with every check named
//    in Chinese; a one-byte-changed document → 验证未通过 with 文档摘要 failed;
//  - admin suspends the personal seal (a reason is required, the dialog confirms), then revokes it
//    (the dialog says it is irreversible and wants the seal's name typed); the status badges change
//    to 已停用 and 已注销 and no action is left; the uses table lists 盖章 by 赵六 and the status
//    changes; the signature, time-stamped before the revocation, still verifies and 印章状态 names the
//    revocation (a revoked seal does not undo what it sealed before); 赵六 can no longer sign.
// Prints one line per check, then "N passed, N failed"; exits 0 only if none failed. SCREENSHOT is a
// path prefix for one picture per page (<prefix>-<page>.png).

import { promises as fs } from 'node:fs';
import { assert, check, demoLogin, fail, newPage, openFirstPage, run, screenshots, squash, waitMs, waitUntil } from './harness.mjs';

const OVERALL_TIMEOUT_MS = 300_000;
const ADMIN = { username: 'admin', name: '系统管理员' };
const CLERK = { username: 'clerk2', name: '赵六' };  // 张三 and 李四 already hold the demo's name seals

const ORG_SEAL = {
  name: '西湖区行政服务中心业务专用章',
  organization: '西湖区行政服务中心',
  // GB 32100: 18 characters whose check characters (the organisation code's and the whole code's) hold.
  creditCode: '113301060025000178',
  badCreditCode: '113301060025000179',
};
const DOCUMENT = {
  name: '受理通知书.txt',
  bytes: Buffer.from('受理通知书\n申请人：王小明\n事项：个体工商户设立登记\n受理日期：2026-11-27\n', 'utf8'),
};
const SUSPEND_REASON = '持有人休假期间暂停使用';
const REVOKE_REASON = '持有人调离岗位';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

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
  const admin = first.page;
  const shotOf = (page) => screenshots(page, screenshot);

  const textOf = async (locator) => squash(await locator.innerText({ timeout: waitMs() }));
  const nav = (page) => page.getByRole('navigation', { name: '主导航' });
  const navLink = (page, label) => nav(page).getByRole('link', { name: label, exact: true });
  const noticeText = async (page, what) => {
    const n = page.locator('[data-testid="notice"]');
    await waitUntil(async () => (await n.count()) > 0 && squash(await n.innerText()).includes(what), `a notice with "${what}"`);
    return squash(await n.innerText());
  };
  const login = (page, user) => demoLogin(page, base, user);
  const goto = (page, path) => page.goto(`${base}${path}`, { waitUntil: 'domcontentloaded', timeout: waitMs() });
  const heading = (page, name) => page.getByRole('heading', { level: 1, name }).waitFor({ state: 'visible', timeout: waitMs() });
  /** An <img> that has really loaded (a decoded picture, not a broken one): its natural width. */
  const loadedWidth = async (img) => {
    await img.waitFor({ state: 'visible', timeout: waitMs() });
    return waitUntil(() => img.evaluate((el) => el.complete && el.naturalWidth), 'the picture to load');
  };
  const sealRow = (page, id) => page.locator(`[data-testid="seal-row"][data-id="${id}"]`);
  const statusOf = (page) => page.locator('[data-testid="seal-facts"] [data-testid="seal-status"]').getAttribute('data-status', { timeout: waitMs() });

  /** Picks the two files on /verify, presses 验证 and answers the report section once it is shown. */
  const verify = async (page, documentBytes, signatureBytes) => {
    await page.locator('#verify-document').setInputFiles({ name: DOCUMENT.name, mimeType: 'text/plain', buffer: documentBytes });
    await page.locator('#verify-signature').setInputFiles({ name: `${DOCUMENT.name}.ses`, mimeType: 'application/octet-stream', buffer: signatureBytes });
    const response = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/trust/verify', { timeout: waitMs() });
    await page.locator('[data-testid="verify-submit"]').click();
    const r = await response;
    assert(r.status() === 200, `verify HTTP ${r.status()}: ${await r.text()}`);
    const sent = JSON.parse(r.request().postData() ?? '{}');
    assert(Buffer.from(sent.document_base64, 'base64').equals(documentBytes), 'the document was not sent as Base64 of its bytes');
    assert(Buffer.from(sent.signature_base64, 'base64').equals(signatureBytes), 'the signature was not sent as Base64 of its bytes');
    const report = page.locator('[data-testid="verify-report"]');
    await report.waitFor({ state: 'visible', timeout: waitMs() });
    return report;
  };
  /** { name: 'true' | 'false' | 'null' } of the report's checks, and their Chinese names. */
  const checksOf = async (report) => {
    const rows = report.locator('[data-testid="verify-check"]');
    const out = {};
    const labels = {};
    for (let i = 0; i < (await rows.count()); i++) {
      const row = rows.nth(i);
      const name = await row.getAttribute('data-name');
      out[name] = await row.getAttribute('data-ok');
      labels[name] = squash(await row.locator('.check-name').innerText());
    }
    return { states: out, labels };
  };

  let orgId = '';
  let personalId = '';
  let signature = null;
  try {
    // ---- admin makes the seals ----
    if (!(await check(`${ADMIN.name} logs in; 印章管理 follows 会话管理 in the header`, async () => {
      await login(admin, ADMIN);
      const labels = (await nav(admin).getByRole('link').allInnerTexts()).map(squash);
      const at = labels.indexOf('印章管理');
      assert(at > 0 && labels[at - 1] === '会话管理', `nav ${labels.join(' ')}`);
      assert(labels.includes('签名验证') && labels.includes('我的名章'), `nav ${labels.join(' ')}`);
      return labels.slice(at - 1, at + 1).join(' → ');
    }))) return;

    if (!(await check('印章管理 opens; 制作印章 leads to the form', async () => {
      await navLink(admin, '印章管理').click({ timeout: waitMs() });
      await admin.waitForURL((url) => url.pathname === '/admin/seals', { timeout: waitMs() });
      await heading(admin, '印章管理');
      await admin.locator('[data-testid="seal-new"]').click({ timeout: waitMs() });
      await admin.waitForURL((url) => url.pathname === '/admin/seals/new', { timeout: waitMs() });
      await heading(admin, '制作印章');
    }))) return;

    await check('a wrong unified social credit code is refused beside the field in Chinese, before any request', async () => {
      let posts = 0;
      const count = (r) => r.method() === 'POST' && new URL(r.url()).pathname === '/api/admin/seals' && (posts += 1);
      admin.on('request', count);
      await admin.locator('[data-testid="seal-kind-organisation"]').check();
      await admin.getByLabel('印章名称').fill(ORG_SEAL.name);
      await admin.getByLabel('单位名称').fill(ORG_SEAL.organization);
      await admin.getByLabel('统一社会信用代码').fill(ORG_SEAL.badCreditCode);
      await admin.locator('[data-testid="seal-make"]').click();
      const err = admin.locator('[data-testid="seal-credit-code-error"]');
      await err.waitFor({ state: 'visible', timeout: waitMs() });
      const text = await textOf(err);
      admin.off('request', count);
      assert(text.includes('统一社会信用代码') && text.includes('校验'), `error "${text}"`);
      assert((await admin.locator('#seal-credit-code').getAttribute('aria-invalid')) === 'true', 'the field is not marked invalid');
      assert((await admin.locator('#seal-credit-code').getAttribute('aria-describedby'))?.includes('seal-credit-code-error'), 'the error is not tied to the field');
      assert(await admin.locator('#seal-credit-code').evaluate((el) => el === document.activeElement), 'the field has no focus');
      assert(posts === 0, 'the form was sent');
      return text;
    });

    await check('the drawn picture is previewed live (a PNG from /api/admin/seals/preview)', async () => {
      const img = admin.locator('[data-testid="seal-preview-img"]');
      const width = await loadedWidth(img);
      const alt = await img.getAttribute('alt');
      assert(alt?.includes(ORG_SEAL.name), `alt "${alt}"`);
      // Changing the words draws again.
      const response = admin.waitForResponse((r) => new URL(r.url()).pathname === '/api/admin/seals/preview', { timeout: waitMs() });
      await admin.getByLabel('单位名称').fill(`${ORG_SEAL.organization} `);
      const r = await response;
      assert(r.status() === 200 && (r.headers()['content-type'] ?? '').startsWith('image/png'), `preview HTTP ${r.status()} ${r.headers()['content-type']}`);
      const sent = JSON.parse(r.request().postData() ?? '{}');
      assert(sent.kind === 'organisation' && sent.name === ORG_SEAL.name, `preview body ${JSON.stringify(sent)}`);
      await admin.getByLabel('单位名称').fill(ORG_SEAL.organization);
      return `${width} px wide`;
    });
    await shotOf(admin)('make');

    if (!(await check('the organisation seal is made (drawn picture) and its detail page shows it active', async () => {
      await admin.getByLabel('统一社会信用代码').fill(ORG_SEAL.creditCode);
      const response = admin.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/admin/seals', { timeout: waitMs() });
      await admin.locator('[data-testid="seal-make"]').click();
      const r = await response;
      assert(r.status() === 201, `HTTP ${r.status()}: ${await r.text()}`);
      const sent = JSON.parse(r.request().postData() ?? '{}');
      assert(sent.kind === 'organisation' && sent.credit_code === ORG_SEAL.creditCode && sent.picture?.source === 'drawn', `body ${JSON.stringify(sent)}`);
      assert(sent.valid_days === 1095, `valid_days ${sent.valid_days}`);
      await admin.waitForURL((url) => UUID.test(url.pathname.split('/').pop()) && url.pathname.startsWith('/admin/seals/'), { timeout: waitMs() });
      orgId = new URL(admin.url()).pathname.split('/').pop();
      await noticeText(admin, '印章已制作');
      await heading(admin, ORG_SEAL.name);
      assert((await statusOf(admin)) === 'active', 'not active');
      await loadedWidth(admin.locator('.seal-overview [data-testid="seal-picture-img"]'));
      return orgId;
    }))) return;

    if (!(await check(`a personal name seal is made for ${CLERK.name}, picked from the staff directory`, async () => {
      await goto(admin, '/admin/seals/new');
      await heading(admin, '制作印章');
      await admin.locator('[data-testid="seal-kind-personal_name"]').check();
      const owner = admin.locator('#seal-owner');
      await waitUntil(async () => (await owner.locator('option').count()) > 1, 'the staff directory');
      const value = await owner.evaluate(
        (el, name) => [...el.options].find((o) => o.textContent.trim().startsWith(`${name}（`) || o.textContent.trim() === name)?.value ?? '',
        CLERK.name,
      );
      assert(value, `${CLERK.name} is not in the directory`);
      await owner.selectOption(value);
      await waitUntil(async () => (await admin.getByLabel('印章名称').inputValue()) === CLERK.name, 'the name to be filled in');
      await loadedWidth(admin.locator('[data-testid="seal-preview-img"]'));
      const response = admin.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/admin/seals', { timeout: waitMs() });
      await admin.locator('[data-testid="seal-make"]').click();
      const r = await response;
      assert(r.status() === 201, `HTTP ${r.status()}: ${await r.text()}`);
      const sent = JSON.parse(r.request().postData() ?? '{}');
      assert(sent.kind === 'personal_name' && sent.owner_account_id === value && !('credit_code' in sent), `body ${JSON.stringify(sent)}`);
      await admin.waitForURL((url) => UUID.test(url.pathname.split('/').pop()) && url.pathname !== `/admin/seals/${orgId}`, { timeout: waitMs() });
      personalId = new URL(admin.url()).pathname.split('/').pop();
      assert((await textOf(admin.locator('[data-testid="seal-facts"] [data-testid="seal-owner"]'))) === CLERK.name, 'owner');
      return personalId;
    }))) return;

    await check('the list shows both seals with their pictures, kinds, owners, 启用 and 0 uses', async () => {
      await navLink(admin, '印章管理').click({ timeout: waitMs() });
      await admin.waitForURL((url) => url.pathname === '/admin/seals', { timeout: waitMs() });
      const org = sealRow(admin, orgId);
      const personal = sealRow(admin, personalId);
      await org.waitFor({ state: 'visible', timeout: waitMs() });
      await personal.waitFor({ state: 'visible', timeout: waitMs() });
      await loadedWidth(org.locator('[data-testid="seal-picture-img"]'));
      await loadedWidth(personal.locator('[data-testid="seal-picture-img"]'));
      assert((await textOf(org)).includes('单位印章') && (await textOf(personal)).includes('个人名章'), 'kinds');
      assert((await textOf(personal.locator('[data-testid="seal-owner"]'))) === CLERK.name, 'owner');
      for (const row of [org, personal]) {
        assert((await textOf(row.locator('[data-testid="seal-status"]'))) === '启用', 'status');
        assert((await textOf(row.locator('[data-testid="seal-uses"]'))) === '0', 'uses');
      }
      return `${await admin.locator('[data-testid="seal-row"]').count()} rows`;
    });
    await shotOf(admin)('list');

    // ---- 赵六 signs with the personal name seal ----
    const clerkCtx = await open();
    const clerk = clerkCtx.page;
    if (!(await check(`${CLERK.name} logs in and opens 我的名章: the seal with its picture, 启用`, async () => {
      await login(clerk, CLERK);
      assert((await navLink(clerk, '印章管理').count()) === 0, '印章管理 shown to a clerk');
      await navLink(clerk, '我的名章').click({ timeout: waitMs() });
      await clerk.waitForURL((url) => url.pathname === '/account/seal', { timeout: waitMs() });
      await heading(clerk, '我的名章');
      const card = clerk.locator(`[data-testid="my-seal"][data-id="${personalId}"]`);
      await card.waitFor({ state: 'visible', timeout: waitMs() });
      const width = await loadedWidth(card.locator('[data-testid="seal-picture-img"]'));
      assert((await textOf(card.locator('[data-testid="my-seal-status"]'))) === '启用', 'status');
      assert((await clerk.locator('[data-testid="my-seal"]').count()) === 1, 'another seal is listed');
      return `picture ${width} px wide`;
    }))) return;

    if (!(await check('试用盖章 signs a small text file; the .ses download holds the signature the kernel made', async () => {
      await clerk.locator('#sign-file').setInputFiles({ name: DOCUMENT.name, mimeType: 'text/plain', buffer: DOCUMENT.bytes });
      const response = clerk.waitForResponse((r) => new URL(r.url()).pathname === `/api/seals/${personalId}/sign`, { timeout: waitMs() });
      await clerk.locator('[data-testid="sign-submit"]').click();
      const r = await response;
      assert(r.status() === 200, `HTTP ${r.status()}: ${await r.text()}`);
      const sent = JSON.parse(r.request().postData() ?? '{}');
      assert(sent.file_name === DOCUMENT.name && Buffer.from(sent.document_base64, 'base64').equals(DOCUMENT.bytes), 'sign body');
      const answer = await r.json();
      const result = clerk.locator('[data-testid="sign-result"]');
      await result.waitFor({ state: 'visible', timeout: waitMs() });
      const sm3 = await textOf(result.locator('[data-testid="sign-sm3"]'));
      assert(/^[0-9a-f]{64}$/i.test(sm3) && sm3 === answer.document_sm3, `sm3 ${sm3}`);
      const download = clerk.waitForEvent('download', { timeout: waitMs() });
      await result.locator('[data-testid="sign-download"]').click();
      const d = await download;
      assert(d.suggestedFilename() === `${DOCUMENT.name}.ses`, `file name ${d.suggestedFilename()}`);
      signature = await fs.readFile(await d.path());
      assert(signature.length > 0 && signature.equals(Buffer.from(answer.signature_base64, 'base64')), 'the downloaded bytes are not the signature');
      assert(signature[0] === 0x30, 'not DER (no SEQUENCE)');
      return `${signature.length} bytes`;
    }))) return;
    await shotOf(clerk)('signed');

    await check('去验证 carries the document and the signature to /verify: 验证通过', async () => {
      await clerk.locator('[data-testid="sign-verify"]').click();
      await clerk.waitForURL((url) => url.pathname === '/verify', { timeout: waitMs() });
      await clerk.locator('[data-testid="verify-handoff"]').waitFor({ state: 'visible', timeout: waitMs() });
      await clerk.locator('[data-testid="verify-submit"]').click();
      const verdict = clerk.locator('[data-testid="verify-verdict"]');
      await verdict.waitFor({ state: 'visible', timeout: waitMs() });
      assert((await textOf(verdict)) === '验证通过', await textOf(clerk.locator('[data-testid="verify-report"]')));
    });

    // ---- anyone verifies ----
    const anonCtx = await open();
    const anon = anonCtx.page;
    await check('anonymous: 签名验证 is in the header without login', async () => {
      await goto(anon, '/login');
      await navLink(anon, '签名验证').click({ timeout: waitMs() });
      await anon.waitForURL((url) => url.pathname === '/verify', { timeout: waitMs() });
      await heading(anon, '签名验证');
      assert((await anon.locator('header [data-testid="current-user"]').count()) === 0, 'someone is logged in');
    });

    await check('anonymous: the document with its signature → 验证通过, every check named in Chinese', async () => {
      const report = await verify(anon, DOCUMENT.bytes, signature);
      assert((await report.getAttribute('data-ok')) === 'true', `report ${await textOf(report)}`);
      const verdict = await textOf(report.locator('[data-testid="verify-verdict"]'));
      assert(verdict === '验证通过', `verdict ${verdict}`);
      const { states, labels } = await checksOf(report);
      assert(states.digest === 'true' && labels.digest === '文档摘要', `digest ${states.digest} ${labels.digest}`);
      assert(states.signature === 'true' && labels.signature === '签名值', `signature ${states.signature}`);
      const failed = Object.entries(states).filter(([, v]) => v === 'false');
      assert(failed.length === 0, `failed checks ${failed.map(([k]) => k).join()}`);
      const untranslated = Object.entries(labels).filter(([k, v]) => k === v);
      assert(untranslated.length === 0, `checks without a Chinese name: ${untranslated.map(([k]) => k).join()}`);
      assert((await textOf(report.locator('[data-testid="verify-seal"]'))).includes(CLERK.name), 'the seal is not named');
      return Object.values(labels).join(' ');
    });
    await shotOf(anon)('verified');

    await check('anonymous: a one-byte-changed document → 验证未通过, naming 文档摘要', async () => {
      const changed = Buffer.from(DOCUMENT.bytes);
      changed[changed.length - 2] ^= 0x01;
      const report = await verify(anon, changed, signature);
      assert((await report.getAttribute('data-ok')) === 'false', 'reported ok');
      assert((await textOf(report.locator('[data-testid="verify-verdict"]'))) === '验证未通过', 'verdict');
      const digest = report.locator('[data-testid="verify-check"][data-name="digest"]');
      assert((await digest.getAttribute('data-ok')) === 'false', 'the digest check did not fail');
      const row = await textOf(digest);
      assert(row.includes('文档摘要') && row.includes('未通过'), `row ${row}`);
      const message = await textOf(report.locator('[data-testid="verify-message"]'));
      assert(message.length > 0, 'no message');
      return `${message}; ${row}`;
    });
    await shotOf(anon)('changed');

    // ---- admin suspends, then revokes the personal name seal ----
    await check(`the seal's uses table lists 盖章 by ${CLERK.name}, and 使用次数 is 1`, async () => {
      await sealRow(admin, personalId).locator('[data-testid="seal-open"]').click({ timeout: waitMs() });
      await admin.waitForURL((url) => url.pathname === `/admin/seals/${personalId}`, { timeout: waitMs() });
      const used = admin.locator(`[data-testid="seal-use-row"][data-action="seal.used"][data-actor="${CLERK.name}"]`);
      await used.waitFor({ state: 'visible', timeout: waitMs() });
      assert((await textOf(used)).includes('盖章'), `row ${await textOf(used)}`);
      assert((await textOf(admin.locator('[data-testid="seal-facts"] [data-testid="seal-uses"]'))) === '1', 'uses');
      assert((await admin.locator('[data-testid="seal-resume"]').count()) === 0, '恢复启用 offered for an active seal');
      return textOf(used);
    });

    await check('停用 asks for a reason (required, beside the field), confirms, and the badge turns 已停用', async () => {
      await admin.locator('[data-testid="seal-suspend"]').click({ timeout: waitMs() });
      const dialog = admin.getByRole('dialog', { name: '停用印章' });
      await dialog.waitFor({ state: 'visible', timeout: waitMs() });
      let posts = 0;
      const count = (r) => new URL(r.url()).pathname.endsWith('/suspend') && (posts += 1);
      admin.on('request', count);
      await dialog.locator('[data-testid="confirm"]').click();
      const err = dialog.locator('[data-testid="seal-reason-error"]');
      await err.waitFor({ state: 'visible', timeout: waitMs() });
      admin.off('request', count);
      assert(posts === 0, 'sent without a reason');
      assert((await textOf(err)).includes('原因'), `error ${await textOf(err)}`);
      await dialog.getByLabel('停用原因').fill(SUSPEND_REASON);
      const response = admin.waitForResponse((r) => new URL(r.url()).pathname === `/api/admin/seals/${personalId}/suspend`, { timeout: waitMs() });
      await dialog.locator('[data-testid="confirm"]').click();
      const r = await response;
      assert(r.status() === 200, `HTTP ${r.status()}: ${await r.text()}`);
      assert(JSON.parse(r.request().postData() ?? '{}').reason === SUSPEND_REASON, 'reason not sent');
      await dialog.waitFor({ state: 'hidden', timeout: waitMs() });
      await waitUntil(async () => (await statusOf(admin)) === 'suspended', 'the badge to say suspended');
      assert((await textOf(admin.locator('[data-testid="seal-facts"] [data-testid="seal-status"]'))) === '已停用', 'badge text');
      assert((await textOf(admin.locator('[data-testid="seal-status-reason"]'))).includes(SUSPEND_REASON), 'reason not shown');
      assert((await admin.locator('[data-testid="seal-resume"]').count()) === 1, 'no 恢复启用 for a suspended seal');
      await noticeText(admin, '已停用');
    });

    await check('注销 says it is irreversible and wants the name typed; the badge turns 已注销 and no action is left', async () => {
      await admin.locator('[data-testid="seal-revoke"]').click({ timeout: waitMs() });
      const dialog = admin.getByRole('dialog', { name: '注销印章' });
      await dialog.waitFor({ state: 'visible', timeout: waitMs() });
      const message = await textOf(dialog.locator('#confirm-message'));
      assert(message.includes('不可撤销'), `message ${message}`);
      await dialog.getByLabel('注销原因').fill(REVOKE_REASON);
      const confirm = dialog.locator('[data-testid="confirm"]');
      assert(await confirm.isDisabled(), '注销 enabled before the name is typed');
      await dialog.getByLabel('请输入印章名称以确认注销').fill('别的名字');
      assert(await confirm.isDisabled(), '注销 enabled with a wrong name');
      const sealName = await textOf(admin.getByRole('heading', { level: 1 }));
      await dialog.getByLabel('请输入印章名称以确认注销').fill(sealName);
      await waitUntil(() => confirm.isEnabled(), '注销 to be enabled');
      await shotOf(admin)('revoke-dialog');
      const response = admin.waitForResponse((r) => new URL(r.url()).pathname === `/api/admin/seals/${personalId}/revoke`, { timeout: waitMs() });
      await confirm.click();
      const r = await response;
      assert(r.status() === 200, `HTTP ${r.status()}: ${await r.text()}`);
      await dialog.waitFor({ state: 'hidden', timeout: waitMs() });
      await waitUntil(async () => (await statusOf(admin)) === 'revoked', 'the badge to say revoked');
      assert((await textOf(admin.locator('[data-testid="seal-facts"] [data-testid="seal-status"]'))) === '已注销', 'badge text');
      for (const action of ['seal-suspend', 'seal-resume', 'seal-revoke']) {
        assert((await admin.locator(`[data-testid="${action}"]`).count()) === 0, `${action} still offered`);
      }
      await admin.locator('[data-testid="seal-revoked-note"]').waitFor({ state: 'visible', timeout: waitMs() });
      return message;
    });

    await check('the uses table lists 制章, 盖章 by 赵六, 停用 and 注销', async () => {
      const actions = await waitUntil(async () => {
        const a = await admin.locator('[data-testid="seal-use-row"]').evaluateAll((rows) => rows.map((r) => r.dataset.action));
        return a.includes('seal.revoked') ? a : null;
      }, 'the revocation in the uses table');
      for (const a of ['seal.made', 'seal.used', 'seal.suspended', 'seal.revoked']) assert(actions.includes(a), `no ${a} in ${actions.join()}`);
      const used = admin.locator(`[data-testid="seal-use-row"][data-action="seal.used"][data-actor="${CLERK.name}"]`);
      assert((await used.count()) === 1, '盖章 by 赵六 not listed');
      return actions.join(', ');
    });
    await shotOf(admin)('detail');

    await check('the list shows 已注销 for the personal seal and 启用 for the organisation seal; the status filter works', async () => {
      await navLink(admin, '印章管理').click({ timeout: waitMs() });
      await admin.waitForURL((url) => url.pathname === '/admin/seals', { timeout: waitMs() });
      const personal = sealRow(admin, personalId);
      await personal.waitFor({ state: 'visible', timeout: waitMs() });
      assert((await textOf(personal.locator('[data-testid="seal-status"]'))) === '已注销', 'personal');
      assert((await textOf(sealRow(admin, orgId).locator('[data-testid="seal-status"]'))) === '启用', 'organisation');
      const response = admin.waitForResponse((r) => new URL(r.url()).pathname === '/api/admin/seals' && new URL(r.url()).searchParams.get('status') === 'revoked', { timeout: waitMs() });
      await admin.locator('[data-testid="seal-status-filter"]').selectOption('revoked');
      await response;
      await waitUntil(async () => (await sealRow(admin, orgId).count()) === 0, 'the active seal to be filtered out');
      assert((await sealRow(admin, personalId).count()) === 1, 'the revoked seal is filtered out');
    });

    await check('anonymous: the signature time-stamped before the revocation still verifies, 印章状态 naming the revocation', async () => {
      const report = await verify(anon, DOCUMENT.bytes, signature);
      assert((await report.getAttribute('data-ok')) === 'true', 'a signature made before the revocation was refused');
      const status = report.locator('[data-testid="verify-check"][data-name="seal_status"]');
      assert((await status.getAttribute('data-ok')) === 'true', 'the seal status check failed');
      const detail = await textOf(status);
      assert(detail.includes('注销') && detail.includes('不影响'), `the seal status check says: ${detail}`);
      return detail;
    });

    await check(`${CLERK.name}'s 我的名章 shows 已注销 and offers no signing`, async () => {
      await goto(clerk, '/account/seal');
      const card = clerk.locator(`[data-testid="my-seal"][data-id="${personalId}"]`);
      await card.waitFor({ state: 'visible', timeout: waitMs() });
      assert((await textOf(card.locator('[data-testid="my-seal-status"]'))) === '已注销', 'status');
      assert((await clerk.locator('[data-testid="sign-submit"]').count()) === 0, '盖章 still offered');
    });

    await check('no uncaught JavaScript errors on the pages', async () => {
      const errors = pages.flatMap((p) => p.pageErrors);
      assert(errors.length === 0, errors.join(' | '));
    });
  } catch (e) {
    fail('unexpected error', e);
    await shotOf(admin)('failure').catch(() => {});
  }
}

await run(OVERALL_TIMEOUT_MS, main);
