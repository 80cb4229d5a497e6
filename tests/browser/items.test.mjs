#!/usr/bin/env node
// Browser test of 事项管理 (the items plugin's catalogue) against a live kernel with the items plugin
// and the demo data (tests/browser/browser_test.cpp starts it):
//
//   WANGBAN_URL=http://127.0.0.1:18080 [SCREENSHOT=/tmp/items] node tests/browser/items.test.mjs
//
//  - clerk 张三 (items.read, items.edit, items.base.edit) finds 事项管理 in the header, searches the
//    implementations for 出生医学证明 and opens 330106004200040000101: the guide shows the unified
//    fields from the base entry (法定办结时限 5 个工作日) apart from the local ones, the materials with
//    their archive rules and the application form as a field list; version 1 is published;
//  - 修改（开始新版本） opens the editor, which shows the unified fields read-only with the note that
//    the base entry keeps them; a promised limit of 10 working days is refused by the kernel (422)
//    and its Chinese message is shown beside 承诺办结时限 and in the list at the top; 3 working days
//    saves version 2 as a draft (the diff shows the change), which is submitted for review;
//    张三 has no 审核 panel;
//  - on the base entry (2000400001) 张三 starts a new version and uploads files as material m1's
//    空白表格: text named .pdf is refused (文件类型不支持, in Chinese beside the material), a small
//    PDF is taken (its name and size shown); the saved draft sends its SM3, and the draft's content
//    on the detail page links 空白表格 to the staff download, which returns the same bytes; its
//    发布影响预览 (loaded on demand) lists the base entry's two implementations (县级) and names the
//    changed unified field 申请材料;
//  - approver 李四 (items.read, items.review), after 张三 logged out, opens the record: the diff of
//    version 2 against version 1 names 承诺办结时限 (1 → 3); 审核通过 after the confirmation
//    publishes it; the version history shows version 2 published (and in force from today);
//  - 导入导出 offers the three downloads (JSON, CSV, CSV with the GB/T 39046 names): the JSON is the
//    exchange document with the new promised limit, the standard-names CSV has Chinese column
//    names; 李四 (no items.admin) is told that importing needs 事项管理员权限.
// Prints one line per check, then "N passed, N failed"; exits 0 only if none failed. SCREENSHOT is a
// path prefix for one picture per page (<prefix>-<page>.png).

import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assert, check, demoLogin, openFirstPage, run, screenshots, squash, waitMs, waitUntil } from './harness.mjs';

const OVERALL_TIMEOUT_MS = 300_000;
const CLERK = { username: 'clerk', name: '张三' };
const APPROVER = { username: 'approver', name: '李四' };
const ITEM = {
  kind: 'implementation',
  code: '330106004200040000101',
  name: '出生医学证明办理（首次签发）',
  search: '出生医学证明',
  statutory: '5 个工作日',
  promised: '1 个工作日',
  tooLong: '10',
  fixed: '3',
};
const ITEM_PATH = `/admin/items/${ITEM.kind}/${ITEM.code}`;
const BASE = { code: '2000400001', material: 'm1', implementations: ['330102004200040000101', '330106004200040000101'] };
const BASE_PATH = `/admin/items/base/${BASE.code}`;
const PDF = '%PDF-1.4\n%%EOF\n';

async function main() {
  const opened = await openFirstPage();
  if (!opened) return;
  const { base, screenshot, first } = opened;
  const { page, pageErrors } = first;
  const shot = screenshots(page, screenshot);

  const textOf = async (locator) => squash(await locator.innerText({ timeout: waitMs() }));
  const nav = () => page.getByRole('navigation', { name: '主导航' });
  const navLink = (label) => nav().getByRole('link', { name: label, exact: true });
  const heading = (name) => page.getByRole('heading', { level: 1, name }).waitFor({ state: 'visible', timeout: waitMs() });
  const noticeText = async (what) => {
    const n = page.locator('[data-testid="notice"]');
    await waitUntil(async () => (await n.count()) > 0 && squash(await n.innerText()).includes(what), `a notice with "${what}"`);
    return squash(await n.innerText());
  };
  const login = (user) => demoLogin(page, base, user);
  const apiResponse = (method, path) =>
    page.waitForResponse((r) => r.request().method() === method && new URL(r.url()).pathname === path, { timeout: waitMs() });
  const openStatus = () => page.locator('[data-testid="item-facts"] [data-testid="item-open-status"]');
  const versionRow = (n) => page.locator(`[data-testid="item-version-row"][data-version="${n}"]`);
  /** Searches the list for the demo implementation and opens it. */
  const openItem = async () => {
    await navLink('事项管理').click({ timeout: waitMs() });
    await page.waitForURL((url) => url.pathname === '/admin/items', { timeout: waitMs() });
    await heading('事项管理');
    await page.locator('[data-testid="item-kind-filter"]').selectOption('implementation');
    await page.locator('[data-testid="item-q"]').fill(ITEM.search);
    await page.locator('[data-testid="item-search"]').click();
    await page.waitForURL((url) => url.searchParams.get('q') === ITEM.search && url.searchParams.get('kind') === 'implementation', { timeout: waitMs() });
    const row = page.locator(`[data-testid="item-row"][data-code="${ITEM.code}"]`);
    await row.waitFor({ state: 'visible', timeout: waitMs() });
    const rowText = await textOf(row);
    await row.locator('[data-testid="item-open"]').click();
    await page.waitForURL((url) => url.pathname === ITEM_PATH, { timeout: waitMs() });
    await heading(ITEM.name);
    return rowText;
  };

  try {
    // ---- 张三 edits the implementation ----
    if (!(await check(`${CLERK.name} logs in; 事项管理 is in the header and the list shows the demo catalogue`, async () => {
      await login(CLERK);
      const labels = (await nav().getByRole('link').allInnerTexts()).map(squash);
      assert(labels.includes('事项管理'), `nav ${labels.join(' ')}`);
      await navLink('事项管理').click({ timeout: waitMs() });
      await page.waitForURL((url) => url.pathname === '/admin/items', { timeout: waitMs() });
      await heading('事项管理');
      const rows = page.locator('[data-testid="item-row"]');
      await rows.first().waitFor({ state: 'visible', timeout: waitMs() });
      assert((await page.locator('[data-testid="item-new"]').count()) === 1, 'no 新建 for an editor');
      assert((await page.locator('[data-testid="item-exchange"]').count()) === 1, 'no 导入导出');
      return `${await rows.count()} rows; ${await textOf(page.locator('[data-testid="item-total"]'))}`;
    }))) return;
    await shot('list');

    if (!(await check(`search finds ${ITEM.code} (实施清单, 施行中 第 1 版) and it opens`, async () => {
      const rowText = await openItem();
      assert(rowText.includes('实施清单') && rowText.includes('施行中') && rowText.includes('第 1 版'), `row "${rowText}"`);
      return rowText.slice(0, 80);
    }))) return;

    await check('the guide shows unified fields (from the base entry) apart from local fields, materials with archive rules and the form', async () => {
      const unified = page.locator('[data-testid="item-unified"]');
      const local = page.locator('[data-testid="item-local"]');
      await waitUntil(async () => (await unified.locator('[data-testid="item-statutory-limit"]').count()) > 0, 'the base entry');
      assert((await textOf(unified)).includes('统一字段') && (await textOf(unified)).includes('基本目录'), 'unified heading');
      assert((await textOf(local)).includes('本地字段'), 'local heading');
      const statutory = await textOf(unified.locator('[data-testid="item-statutory-limit"]'));
      const promised = await textOf(local.locator('[data-testid="item-promised-limit"]'));
      assert(statutory.startsWith(ITEM.statutory), `statutory "${statutory}"`);
      assert(promised.startsWith(ITEM.promised), `promised "${promised}"`);
      const materials = unified.locator('[data-testid="item-material"]');
      assert((await materials.count()) >= 2, 'materials');
      const m2 = await textOf(unified.locator('[data-testid="item-material"][data-id="m2"]'));
      assert(m2.includes('保管期限') && m2.includes('利用权限') && m2.includes('受限') && m2.includes('居民身份证'), `m2 "${m2}"`);
      const form = local.locator('[data-testid="item-form"] [data-testid="schema-prop"]');
      assert((await form.count()) >= 5, 'form fields');
      assert((await textOf(local.locator('[data-testid="item-form"]'))).includes('母亲姓名'), 'form titles');
      const v1 = versionRow(1);
      assert((await v1.getAttribute('data-status')) === 'published', 'version 1 not published');
      return `${statutory}; ${promised}; ${await materials.count()} materials; ${await form.count()} form fields`;
    });
    await shot('detail');

    if (!(await check('修改（开始新版本） opens the editor with the unified fields read-only', async () => {
      const edit = page.locator('[data-testid="item-edit"]');
      assert((await textOf(edit)) === '修改（开始新版本）', `edit button "${await textOf(edit)}"`);
      await edit.click();
      await page.waitForURL((url) => url.pathname === `${ITEM_PATH}/edit`, { timeout: waitMs() });
      await heading('编辑草稿');
      const banner = await textOf(page.locator('[data-testid="item-new-version"]'));
      assert(banner.includes('第 2 版'), `banner "${banner}"`);
      const readonly = page.locator('[data-testid="item-unified-readonly"]');
      await waitUntil(async () => (await readonly.locator('[data-testid="item-base-statutory"]').count()) > 0, 'the base entry in the editor');
      const text = await textOf(readonly);
      assert(text.includes('统一字段由基本目录维护，实施清单不能修改'), 'the note');
      assert(text.includes(ITEM.statutory), `readonly "${text.slice(0, 120)}"`);
      assert((await readonly.locator('input, select, textarea').count()) === 0, 'unified fields are editable');
      assert((await page.locator('#item-promised-value').inputValue()) === '1', 'promised value');
    }))) return;

    if (!(await check('a promised limit longer than the statutory one is refused: the Chinese error is beside 承诺办结时限 and listed at the top', async () => {
      await page.locator('#item-promised-value').fill(ITEM.tooLong);
      await page.locator('#item-promised-unit').selectOption('working_day');
      const response = apiResponse('PUT', `/api/items${ITEM_PATH.replace('/admin/items', '/admin/records')}/draft`);
      await page.locator('[data-testid="item-save"]').click();
      const r = await response;
      assert(r.status() === 422, `HTTP ${r.status()}`);
      const sent = JSON.parse(r.request().postData() ?? '{}');
      assert(sent.fields?.promised_limit?.value === Number(ITEM.tooLong), `sent ${JSON.stringify(sent.fields?.promised_limit)}`);
      assert(Array.isArray(sent.fields?.materials) === false && Array.isArray(sent.fields?.local_materials), 'unified fields were sent');
      const beside = page.locator('[data-testid="field-error-promised_limit"]');
      await beside.waitFor({ state: 'visible', timeout: waitMs() });
      const text = await textOf(beside);
      assert(/[\u4e00-\u9fff]/.test(text) && text.includes('承诺办结时限'), `error "${text}"`);
      assert((await page.locator('#item-promised-value').getAttribute('aria-invalid')) === 'true', 'not marked invalid');
      const listed = page.locator('[data-testid="item-errors"] [data-testid="item-error"][data-at="/fields/promised_limit"]');
      assert((await textOf(listed)).startsWith('承诺办结时限'), `listed "${await textOf(listed)}"`);
      assert(new URL(page.url()).pathname === `${ITEM_PATH}/edit`, 'left the editor');
      return text;
    }))) return;
    await shot('edit-error');

    if (!(await check(`${ITEM.fixed} working days saves version 2 as a draft; the diff shows the change`, async () => {
      await page.locator('#item-promised-value').fill(ITEM.fixed);
      const response = apiResponse('PUT', `/api/items${ITEM_PATH.replace('/admin/items', '/admin/records')}/draft`);
      await page.locator('[data-testid="item-save"]').click();
      const r = await response;
      assert(r.status() === 200, `HTTP ${r.status()}: ${await r.text()}`);
      await page.waitForURL((url) => url.pathname === ITEM_PATH, { timeout: waitMs() });
      const notice = await noticeText('第 2 版');
      await waitUntil(async () => (await openStatus().count()) > 0 && (await openStatus().getAttribute('data-status')) === 'draft', 'the draft state');
      const row = page.locator('[data-testid="item-diff"] [data-testid="item-diff-row"][data-field="promised_limit"]');
      await row.waitFor({ state: 'visible', timeout: waitMs() });
      const rowText = await textOf(row);
      assert(rowText.includes('承诺办结时限'), `diff "${rowText}"`);
      return notice;
    }))) return;

    if (!(await check('提交审核 puts version 2 in review; 张三 has no 审核 panel', async () => {
      const response = apiResponse('POST', `/api/items${ITEM_PATH.replace('/admin/items', '/admin/records')}/submit`);
      await page.locator('[data-testid="item-submit"]').click();
      const r = await response;
      assert(r.status() === 200, `HTTP ${r.status()}: ${await r.text()}`);
      await noticeText('提交审核');
      await waitUntil(async () => (await openStatus().getAttribute('data-status')) === 'review', 'the review state');
      assert((await page.locator('[data-testid="item-review-panel"]').count()) === 0, 'a review panel for an editor');
      assert((await page.locator('[data-testid="item-edit"]').count()) === 0, 'still editable in review');
    }))) return;

    if (!(await check(`${CLERK.name} uploads a PDF as 空白表格 of base material ${BASE.material}; the detail page's link downloads the same bytes`, async () => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'wangban-items-'));
      try {
        const pdf = path.join(dir, 'blank.pdf');
        const fake = path.join(dir, 'fake.pdf');
        await fs.writeFile(pdf, PDF, 'latin1');
        await fs.writeFile(fake, '这不是 PDF\n', 'utf8');
        await page.locator('[data-testid="item-base-link"]').click({ timeout: waitMs() });
        await page.waitForURL((url) => url.pathname === BASE_PATH, { timeout: waitMs() });
        await page.locator('[data-testid="item-edit"]').click({ timeout: waitMs() });
        await page.waitForURL((url) => url.pathname === `${BASE_PATH}/edit`, { timeout: waitMs() });
        await heading('编辑草稿');
        const row = page.locator('[data-testid="item-material-row"]').first();
        await row.waitFor({ state: 'visible', timeout: waitMs() });
        assert((await row.locator(`#item-materials-0-id`).inputValue()) === BASE.material, 'the first material is not m1');
        const field = row.locator('[data-testid="item-material-blank-form"]');
        // Text that calls itself .pdf: the plugin judges the bytes and refuses it, in Chinese.
        const refused = apiResponse('POST', '/api/items/admin/files');
        await field.locator('[data-testid="item-material-blank-form-input"]').setInputFiles(fake);
        assert((await refused).status() === 422, 'the fake PDF was not refused');
        const error = field.locator('[data-testid="item-material-blank-form-error"]');
        await error.waitFor({ state: 'visible', timeout: waitMs() });
        const errorText = await textOf(error);
        assert(errorText.includes('文件类型不支持'), `error "${errorText}"`);
        assert((await field.getAttribute('data-sm3')) === '', 'a refused file was referred to');
        // The PDF is taken: its SM3 becomes the reference, its name and size are shown.
        const taken = apiResponse('POST', '/api/items/admin/files');
        await field.locator('[data-testid="item-material-blank-form-input"]').setInputFiles(pdf);
        const upload = await taken;
        assert(upload.status() === 201, `upload HTTP ${upload.status()}: ${await upload.text()}`);
        const file = await upload.json();
        assert(/^[0-9a-f]{64}$/.test(file.sm3) && file.size === PDF.length && file.media_type === 'application/pdf', JSON.stringify(file));
        await waitUntil(async () => (await field.getAttribute('data-sm3')) === file.sm3, 'the SM3 in the material');
        const shown = await textOf(field);
        assert(shown.includes('blank.pdf') && (await error.count()) === 0, `field "${shown}"`);
        const response = apiResponse('PUT', `/api/items/admin/records/base/${BASE.code}/draft`);
        await page.locator('[data-testid="item-save"]').click();
        const saved = await response;
        assert(saved.status() === 200, `save HTTP ${saved.status()}: ${await saved.text()}`);
        const sent = JSON.parse(saved.request().postData() ?? '{}');
        const m1 = sent.fields?.materials?.find((m) => m.id === BASE.material);
        assert(m1?.blank_form === file.sm3 && m1?.sample === null, `sent ${JSON.stringify(m1)}`);
        await page.waitForURL((url) => url.pathname === BASE_PATH, { timeout: waitMs() });
        const notice = await noticeText('草稿');
        const version = Number(/第 (\d+) 版/.exec(notice)?.[1]);
        assert(version >= 2, `notice "${notice}"`);
        await versionRow(version).locator('[data-testid="item-version-view"]').click();
        const link = page.locator(
          `[data-testid="item-guide"] [data-testid="item-material"][data-id="${BASE.material}"] [data-testid="item-material-blank-form"] a[data-testid="item-file-link"]`,
        );
        await link.waitFor({ state: 'visible', timeout: waitMs() });
        const href = await link.getAttribute('href');
        assert(href === `/api/items/admin/files/${file.sm3}`, `href ${href}`);
        assert((await textOf(link)) === '空白表格', `link "${await textOf(link)}"`);
        const got = await page.evaluate(async (url) => {
          const r = await fetch(url, { credentials: 'same-origin' });
          return { status: r.status, type: r.headers.get('Content-Type'), bytes: Array.from(new Uint8Array(await r.arrayBuffer())) };
        }, href);
        assert(got.status === 200, `download HTTP ${got.status}`);
        const expected = Array.from(Buffer.from(PDF, 'latin1'));
        assert(got.bytes.length === expected.length && got.bytes.every((b, i) => b === expected[i]), `bytes ${got.bytes.length}`);
        return `${notice}; ${file.sm3.slice(0, 12)}… ${got.type}, ${got.bytes.length} bytes`;
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
      }
    }))) return;
    await shot('file');

    await check(`发布影响预览 of the base entry's draft lists its ${BASE.implementations.length} implementations and the changed 申请材料`, async () => {
      const section = page.locator('[data-testid="item-impact"]');
      await section.waitFor({ state: 'visible', timeout: waitMs() });
      assert((await section.locator('[data-testid="item-impact-row"]').count()) === 0, 'the preview loaded before it was asked for');
      const response = apiResponse('GET', `/api/items/admin/records/base/${BASE.code}/impact`);
      await section.locator('[data-testid="item-impact-load"]').click();
      const r = await response;
      assert(r.status() === 200, `HTTP ${r.status()}: ${await r.text()}`);
      const rows = section.locator('[data-testid="item-impact-row"]');
      await rows.first().waitFor({ state: 'visible', timeout: waitMs() });
      const codes = (await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-code')))).sort();
      assert(JSON.stringify(codes) === JSON.stringify(BASE.implementations), `implementations ${codes.join(' ')}`);
      const summary = await textOf(section.locator('[data-testid="item-impact-summary"]'));
      assert(summary.includes(`${BASE.implementations.length} 个实施清单`) && summary.includes('县级'), `summary "${summary}"`);
      const change = section.locator('[data-testid="item-impact-change-row"][data-field="materials"]');
      assert((await textOf(change)).includes('申请材料'), 'no 申请材料 among the changed fields');
      // The department by its name, not its id: 杭州市上城区卫生健康局 for 330102….
      const place = await textOf(rows.first());
      assert(place.includes('县级') && place.includes('上城区') && !/_/.test(place), `row "${place}"`);
      return `${summary}; ${place}`;
    });
    await shot('impact');

    if (!(await check(`${CLERK.name} logs out`, async () => {
      await page.getByRole('button', { name: '退出', exact: true }).click({ timeout: waitMs() });
      await page.waitForURL((url) => url.pathname === '/login', { timeout: waitMs() });
    }))) return;

    // ---- 李四 reviews ----
    if (!(await check(`${APPROVER.name} logs in, opens the record and sees the diff against version 1`, async () => {
      await login(APPROVER);
      await openItem();
      const panel = page.locator('[data-testid="item-review-panel"]');
      await panel.waitFor({ state: 'visible', timeout: waitMs() });
      assert((await page.locator('[data-testid="item-own-version"]').count()) === 0, 'own-version warning for someone else’s version');
      const row = page.locator('[data-testid="item-diff"] [data-testid="item-diff-row"][data-field="promised_limit"]');
      await row.waitFor({ state: 'visible', timeout: waitMs() });
      const before = await textOf(row.locator('[data-testid="item-diff-before"]'));
      const after = await textOf(row.locator('[data-testid="item-diff-after"]'));
      assert(/"value": 1\b/.test(before) && /"value": 3\b/.test(after), `before "${before}" after "${after}"`);
      const rows = await page.locator('[data-testid="item-diff-row"]').count();
      assert(rows === 1, `${rows} changed fields`);
      assert((await page.locator('[data-testid="item-edit"]').count()) === 0, 'an edit button for a reviewer');
      return `${await textOf(row.locator('th'))}`;
    }))) return;
    await shot('review');

    if (!(await check('审核通过 after the confirmation publishes version 2; the history shows it published', async () => {
      await page.locator('[data-testid="item-approve"]').click();
      const dialog = page.locator('dialog[open]');
      await dialog.waitFor({ state: 'visible', timeout: waitMs() });
      const message = await textOf(dialog.locator('#confirm-message'));
      assert(message.includes('第 2 版'), `dialog "${message}"`);
      const response = apiResponse('POST', `/api/items${ITEM_PATH.replace('/admin/items', '/admin/records')}/versions/2/approve`);
      await dialog.locator('[data-testid="confirm"]').click();
      const r = await response;
      assert(r.status() === 200, `HTTP ${r.status()}: ${await r.text()}`);
      await noticeText('审核通过');
      await waitUntil(async () => (await versionRow(2).getAttribute('data-status')) === 'published', 'version 2 published');
      assert((await versionRow(1).getAttribute('data-status')) === 'published', 'version 1 changed');
      assert((await openStatus().count()) === 0, 'an open version is left');
      const inForce = await textOf(page.locator('[data-testid="item-facts"] [data-testid="item-in-force"]'));
      const published = await textOf(page.locator('[data-testid="item-facts"] [data-testid="item-published"]'));
      assert(published.startsWith('第 2 版'), `published "${published}"`);
      assert(inForce === '第 2 版', `in force "${inForce}"`);
      return `${published}; in force ${inForce}`;
    }))) return;
    await shot('approved');

    // ---- 导入导出 ----
    await check('导入导出 offers the three downloads; the JSON holds the new promised limit, the standard CSV Chinese names', async () => {
      await page.locator('nav[aria-label="事项管理"]').getByRole('link', { name: '导入导出', exact: true }).click({ timeout: waitMs() });
      await page.waitForURL((url) => url.pathname === '/admin/items/exchange', { timeout: waitMs() });
      await heading('事项导入导出');
      for (const kind of ['json', 'csv', 'csv-gbt39046']) {
        assert(await page.locator(`[data-testid="item-export-${kind}"]`).isEnabled(), `no ${kind} export`);
      }
      const save = async (kind) => {
        const download = page.waitForEvent('download', { timeout: waitMs() });
        await page.locator(`[data-testid="item-export-${kind}"]`).click();
        const d = await download;
        const file = await d.path();
        return { name: d.suggestedFilename(), text: await fs.readFile(file, 'utf8') };
      };
      const j = await save('json');
      assert(j.name.endsWith('.json'), `name ${j.name}`);
      const doc = JSON.parse(j.text);
      assert(doc.format === 'wangban.items/1', `format ${doc.format}`);
      const impl = doc.implementations.find((i) => i.implementation_code === ITEM.code);
      assert(impl?.fields?.promised_limit?.value === Number(ITEM.fixed), `promised ${JSON.stringify(impl?.fields?.promised_limit)}`);
      assert((await textOf(page.locator('[data-testid="item-exported"]'))).includes('已下载'), 'no 已下载 line');
      const c = await save('csv');
      assert(c.name.endsWith('.csv') && c.text.replace(/^\uFEFF/, '').startsWith('record,code'), `csv ${c.name}: ${c.text.slice(0, 40)}`);
      const g = await save('csv-gbt39046');
      assert(g.name.endsWith('.csv') && g.text.includes('事项名称'), `standard csv ${g.name}: ${g.text.slice(0, 40)}`);
      const denied = await textOf(page.locator('[data-testid="item-import-denied"]'));
      assert(denied.includes('items.admin'), `import "${denied}"`);
      assert((await page.locator('[data-testid="item-import-file"]').count()) === 0, 'import offered without items.admin');
      return `${j.name} (${j.text.length} chars), ${c.name}, ${g.name}`;
    });
    await shot('exchange');

    await check('no uncaught errors in the page', () => {
      assert(pageErrors.length === 0, pageErrors.join(' | '));
    });
  } finally {
    await shot('last');
  }
}

await run(OVERALL_TIMEOUT_MS, main);
