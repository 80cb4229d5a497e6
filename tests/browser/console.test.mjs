#!/usr/bin/env node
// Browser test of the admin console's identity pages, run against a live kernel: the login page
// (admin token and staff password), 机构管理, 账号管理, 角色管理 and 我的会话.
//
//   (cd web && npm ci && npm run build)        # the kernel serves web/dist at /
//   WANGBAN_URL=http://127.0.0.1:18080 WANGBAN_ADMIN_TOKEN=... [SCREENSHOT=/tmp/console] \
//   node tests/browser/console.test.mjs
//
// Flow: log in with the admin token; create 浙江省 → 杭州市 → 西湖区 on the org page; create staff
// clerk1 / 张三 in 西湖区 (a weak password first, whose Chinese reason must show); define role
// greeter (问候员) with greeting.write and grant it to clerk1 in 西湖区; log out; a wrong password
// shows 用户名或口令不正确; log in as clerk1 (header shows 张三, 我的会话 lists one current session);
// log out. Works on an empty database and next to the demo data (it tracks the units it created by
// id, so same-named demo units do not matter); run again on the same database, it reuses clerk1
// and greeter.
//
// Uses playwright-core from web/node_modules with Debian's /usr/bin/chromium (CHROMIUM overrides
// the path). Prints one line per check, then "N passed, N failed"; exits 0 only if none failed.
// SCREENSHOT is a path prefix: each page's picture goes to <prefix>-<page>.png (login, org,
// accounts, roles, account, sessions; failure when a step throws); a prefix ending in an extension keeps it (x.png → x-org.png).

import { assert, check, fail, launchPage, readEnv, run, screenshots, squash, waitMs, waitUntil } from './harness.mjs';

const OVERALL_TIMEOUT_MS = 120_000;

const STAFF = { username: 'clerk1', name: '张三', password: 'Zheng-wu-2026', weak: 'short' };
const ROLE = { name: 'greeter', title: '问候员', permission: 'greeting.write', route: 'POST /api/greeting/greetings' };
const UNITS = [
  { key: 'province', name: '浙江省', level: 'province', label: '省级', code: '330000', allowed: null },
  { key: 'city', name: '杭州市', level: 'city', label: '市级', code: '330100', allowed: ['city', 'department'] },
  { key: 'county', name: '西湖区', level: 'county', label: '县级', code: '330106', allowed: ['county', 'department'] },
];

/** <prefix>-<name>.png, or x-<name>.png for a prefix x.png. */
function shotPath(prefix, name) {
  return /\.[A-Za-z0-9]+$/.test(prefix) ? prefix.replace(/(\.[A-Za-z0-9]+)$/, `-${name}$1`) : `${prefix}-${name}.png`;
}

async function main() {
  const { base, token, screenshot } = readEnv();
  const envOk = await check('environment (WANGBAN_URL, WANGBAN_ADMIN_TOKEN)', () => {
    assert(/^https?:\/\//.test(base), 'WANGBAN_URL must be an http(s) URL');
    assert(token.length > 0, 'WANGBAN_ADMIN_TOKEN is empty');
    return base;
  });
  if (!envOk) return;

  const opened = await launchPage();
  if (!opened) return;
  const { page, pageErrors } = opened;
  const takeShot = screenshots(page, screenshot, (name) => shotPath(screenshot, name));

  const banner = page.locator('[data-testid="error"]');
  const notice = page.locator('[data-testid="notice"]');
  const currentUser = page.locator('header [data-testid="current-user"]');
  const nav = page.getByRole('navigation', { name: '主导航' });
  const navLink = (label) => nav.getByRole('link', { name: label, exact: true });
  const orgNode = (id) => page.locator(`[data-testid="org-node"][data-id=${JSON.stringify(id)}]`);
  const accountRow = (username) => page.locator(`[data-testid="account-row"][data-username=${JSON.stringify(username)}]`);
  const roleCard = (name) => page.locator(`[data-testid="role"][data-role=${JSON.stringify(name)}]`);
  const sessionRows = page.locator('[data-testid="session-row"]');
  const ids = {};
  let staffId = null;

  /** Goes to a console page through the header navigation and waits for its heading. */
  const openPage = async (label, path) => {
    await navLink(label).click({ timeout: waitMs() });
    await page.waitForURL((url) => url.pathname === path, { timeout: waitMs() });
    await page.getByRole('heading', { level: 1, name: label }).waitFor({ state: 'visible', timeout: waitMs() });
  };
  const noticeText = async (what) => {
    await waitUntil(async () => (await notice.count()) > 0 && squash(await notice.innerText()).includes(what), `a notice with "${what}"`);
    return squash(await notice.innerText());
  };

  try {
    // ---- Login page, admin token ----
    if (!(await check(`open ${base}/admin/org without logging in: sent to the login page`, async () => {
      const res = await page.goto(`${base}/admin/org`, { waitUntil: 'domcontentloaded', timeout: waitMs() });
      assert(res && res.ok(), `HTTP ${res?.status()}`);
      await page.waitForURL((url) => url.pathname === '/login', { timeout: waitMs() });
      const next = new URL(page.url()).searchParams.get('next');
      assert(next === '/admin/org', `next=${next}`);
      return page.url().replace(base, '');
    }))) return;

    await check('login page: 用户名 and 口令 fields and the 登录 button', async () => {
      await page.getByLabel('用户名', { exact: true }).waitFor({ state: 'visible', timeout: waitMs() });
      assert((await page.getByLabel('口令', { exact: true }).getAttribute('type')) === 'password', '口令 is not a password field');
      const button = page.locator('[data-testid="password-login"]');
      assert(squash(await button.innerText()) === '登录', `button reads "${await button.innerText()}"`);
      assert((await currentUser.count()) === 0, 'header shows a user before login');
    });

    await takeShot('login');

    if (!(await check('使用管理令牌登录: the admin token opens the org page (back to ?next)', async () => {
      const tokenInput = page.locator('#admin-token');
      if (!(await tokenInput.isVisible())) await page.getByText('使用管理令牌登录', { exact: true }).click({ timeout: waitMs() });
      assert((await page.getByLabel('管理令牌', { exact: true }).count()) === 1, 'input not labelled 管理令牌');
      await tokenInput.fill(token, { timeout: waitMs() });
      await page.locator('[data-testid="login"]').click({ timeout: waitMs() });
      await page.waitForURL((url) => url.pathname === '/admin/org', { timeout: waitMs() });
      await page.getByRole('heading', { level: 1, name: '机构管理' }).waitFor({ state: 'visible', timeout: waitMs() });
    }))) return;

    await check('header shows 系统管理令牌 and 退出', async () => {
      await waitUntil(async () => squash(await currentUser.innerText()) === '系统管理令牌', 'the header user');
      assert(await page.getByRole('button', { name: '退出', exact: true }).isVisible(), 'no 退出 button');
      for (const label of ['插件管理', '机构管理', '账号管理', '角色管理', '接口文档', '我的会话']) {
        assert((await navLink(label).count()) === 1, `no ${label} in the navigation`);
      }
    });

    // ---- 机构管理: 浙江省 → 杭州市 → 西湖区 ----
    const treeLoaded = () =>
      waitUntil(
        async () => (await page.locator('[data-testid="org-node"], [data-testid="org-empty"]').count()) > 0,
        'the org tree to load',
      );
    const idsNamed = async (name) =>
      page.locator(`[data-testid="org-node"][data-name=${JSON.stringify(name)}]`).evaluateAll((els) => els.map((e) => e.dataset.id));

    /** Creates a unit and returns its id: the node with that name which was not there before. */
    const createUnit = async (unit, parentId) => {
      await treeLoaded();
      const before = new Set(await idsNamed(unit.name));
      if (parentId) {
        await orgNode(parentId).locator('[data-testid="org-add-child"]').click({ timeout: waitMs() });
        const form = page.locator('#child-name');
        await form.waitFor({ state: 'visible', timeout: waitMs() });
        const levels = await page.locator('#child-level option').evaluateAll((os) => os.map((o) => o.value));
        assert(JSON.stringify(levels) === JSON.stringify(unit.allowed), `level choices ${levels.join(',')}`);
        await form.fill(unit.name);
        await page.locator('#child-level').selectOption(unit.level);
        await page.locator('#child-code').fill(unit.code);
        await page.locator('[data-testid="org-create-child"]').click();
      } else {
        await page.locator('#root-name').fill(unit.name, { timeout: waitMs() });
        const levels = await page.locator('#root-level option').evaluateAll((os) => os.map((o) => o.value));
        assert(JSON.stringify(levels) === '["national","province"]', `top-level choices ${levels.join(',')}`);
        await page.locator('#root-level').selectOption(unit.level);
        await page.locator('#root-code').fill(unit.code);
        await page.locator('[data-testid="org-create-root"]').click();
      }
      const id = await waitUntil(async () => (await idsNamed(unit.name)).find((x) => !before.has(x)), `a new node ${unit.name}`);
      const node = orgNode(id);
      assert((await node.getAttribute('data-parent')) === (parentId ?? ''), 'wrong parent');
      const level = squash(await node.locator('[data-testid="org-level"]').innerText());
      assert(level === unit.label, `level shows "${level}"`);
      return id;
    };

    let orgOk = true;
    let parent = null;
    for (const unit of UNITS) {
      orgOk =
        orgOk &&
        (await check(`机构管理: create ${unit.name} (${unit.label})${parent ? ` under ${UNITS.find((u) => ids[u.key] === parent).name}` : ' as a top-level unit'}`, async () => {
          ids[unit.key] = await createUnit(unit, parent);
          return `${await noticeText(unit.name)} id ${ids[unit.key]}`;
        }));
      if (!orgOk) break;
      parent = ids[unit.key];
    }

    if (orgOk) {
      await check('机构管理: the tree is indented by level', async () => {
        const xs = [];
        for (const unit of UNITS) {
          const box = await orgNode(ids[unit.key]).locator('.org-name').boundingBox();
          xs.push(Math.round(box.x));
        }
        assert(xs[0] < xs[1] && xs[1] < xs[2], `name x positions ${xs.join(' / ')}`);
        return `x ${xs.join(' < ')}`;
      });
    }
    await takeShot('org');
    if (!orgOk) return;

    // ---- 账号管理: clerk1 / 张三 in 西湖区 ----
    if (!(await check('账号管理 opens from the header', () => openPage('账号管理', '/admin/accounts')))) return;
    await waitUntil(
      async () => (await page.locator('[data-testid="account-row"], [data-testid="accounts-empty"]').count()) > 0,
      'the account list to load',
    );
    const existing = (await accountRow(STAFF.username).count()) > 0;
    if (existing) {
      console.log(`skip - 新建工作人员: ${STAFF.username} exists already (an earlier run on this database)`);
    } else {
      await check(`新建工作人员 with the weak password "${STAFF.weak}" shows the kernel's reason next to the field`, async () => {
        await page.locator('[data-testid="staff-new"]').click({ timeout: waitMs() });
        await page.locator('#staff-username').fill(STAFF.username, { timeout: waitMs() });
        await page.locator('#staff-display-name').fill(STAFF.name);
        await page.locator('#staff-password').fill(STAFF.weak);
        await page.locator('#staff-org').selectOption(ids.county);
        const rules = squash(await page.locator('#staff-password-rules').innerText());
        assert(rules.includes('至少三类'), `rules next to the field: "${rules}"`);
        await page.locator('[data-testid="staff-create"]').click();
        const err = page.locator('[data-testid="password-error"]');
        await err.waitFor({ state: 'visible', timeout: waitMs() });
        const text = squash(await err.innerText());
        assert(/口令/.test(text) && /[\u4e00-\u9fff]/.test(text), `message "${text}"`);
        assert((await page.locator('#staff-password').getAttribute('aria-invalid')) === 'true', 'field not aria-invalid');
        assert((await accountRow(STAFF.username).count()) === 0, 'the account was created');
        return text;
      });

      await check(`新建工作人员 ${STAFF.username} / ${STAFF.name} with a strong password`, async () => {
        await page.locator('#staff-password').fill(STAFF.password);
        await page.locator('[data-testid="staff-create"]').click();
        await accountRow(STAFF.username).waitFor({ state: 'visible', timeout: waitMs() });
        return await noticeText(STAFF.username);
      });
    }

    await check(`账号管理: ${STAFF.username} row shows 张三, 工作人员, 西湖区, 正常`, async () => {
      const row = accountRow(STAFF.username);
      await row.waitFor({ state: 'visible', timeout: waitMs() });
      staffId = await row.getAttribute('data-id');
      const name = squash(await row.locator('[data-testid="account-name"]').innerText());
      const org = squash(await row.locator('[data-testid="account-org"]').innerText());
      const text = squash(await row.innerText());
      assert(name === STAFF.name, `name "${name}"`);
      assert(text.includes('工作人员') && text.includes('正常'), `row "${text}"`);
      if (!existing) assert(org.startsWith(UNITS[2].name), `org "${org}"`);
      return text;
    });
    await takeShot('accounts');

    // ---- 角色管理: greeter (问候员) with greeting.write, granted to clerk1 in 西湖区 ----
    if (!(await check('角色管理 opens from the header', () => openPage('角色管理', '/admin/roles')))) return;
    await roleCard('admin').waitFor({ state: 'visible', timeout: waitMs() }).catch(() => {});

    await check('built-in role admin is read-only and shows 全部权限', async () => {
      const card = roleCard('admin');
      await card.waitFor({ state: 'visible', timeout: waitMs() });
      const text = squash(await card.innerText());
      assert(text.includes('内置') && text.includes('全部权限'), `card "${text}"`);
      assert((await card.locator('[data-testid="role-edit"]').count()) === 0, 'built-in role has an edit button');
    });

    await check(`define role ${ROLE.name} (${ROLE.title}) with ${ROLE.permission}`, async () => {
      const exists = (await roleCard(ROLE.name).count()) > 0;
      if (exists) {
        await roleCard(ROLE.name).locator('[data-testid="role-edit"]').click({ timeout: waitMs() });
        assert(await page.locator('#role-name').evaluate((el) => el.readOnly), 'name editable while editing');
      } else {
        await page.locator('[data-testid="role-new"]').click({ timeout: waitMs() });
        await page.locator('#role-name').fill(ROLE.name, { timeout: waitMs() });
      }
      await page.locator('#role-title').fill(ROLE.title, { timeout: waitMs() });
      const option = page.locator(`[data-testid="role-permission"][data-permission=${JSON.stringify(ROLE.permission)}]`);
      const routes = squash(await option.innerText({ timeout: waitMs() }));
      assert(routes.includes(ROLE.route), `the option shows "${routes}"`);
      await option.locator('input[type="checkbox"]').check();
      await page.locator('[data-testid="role-save"]').click();
      await noticeText(ROLE.name);
      const card = roleCard(ROLE.name);
      await card.waitFor({ state: 'visible', timeout: waitMs() });
      const text = squash(await card.innerText());
      assert(text.includes(ROLE.title) && text.includes(ROLE.permission), `card "${text}"`);
      return `${exists ? 'edited' : 'created'}: ${text}`;
    });

    await check(`授予角色: ${ROLE.name} to ${STAFF.username} in ${UNITS[2].name}`, async () => {
      assert(staffId, 'no account id for clerk1');
      await page.locator('#assign-account').selectOption(staffId, { timeout: waitMs() });
      await page.locator('#assign-role').selectOption(ROLE.name);
      await page.locator('#assign-org').selectOption(ids.county);
      await page.locator('[data-testid="assignment-grant"]').click();
      return await noticeText('已授予');
    });

    await check('收回 asks for confirmation first (cancelled here)', async () => {
      await page.locator('[data-testid="assignment-revoke"]').click({ timeout: waitMs() });
      const dialog = page.locator('dialog[open]');
      await dialog.waitFor({ state: 'visible', timeout: waitMs() });
      const text = squash(await dialog.innerText());
      assert(text.includes(ROLE.title) && text.includes(UNITS[2].name), `dialog "${text}"`);
      await dialog.locator('[data-testid="cancel"]').click();
      await waitUntil(async () => (await page.locator('dialog[open]').count()) === 0, 'the dialog to close');
      assert(squash(await notice.innerText()).includes('已授予'), 'the grant notice was replaced');
    });
    await takeShot('roles');

    await check('我的会话 with the admin token explains that the token has no sessions', async () => {
      await openPage('我的会话', '/account/sessions');
      await page.locator('[data-testid="token-no-sessions"]').waitFor({ state: 'visible', timeout: waitMs() });
      assert((await sessionRows.count()) === 0, 'session rows shown for the token');
    });

    if (!(await check('退出 forgets the token and shows the login page', async () => {
      await page.getByRole('button', { name: '退出', exact: true }).click({ timeout: waitMs() });
      await page.waitForURL((url) => url.pathname === '/login', { timeout: waitMs() });
      await page.locator('[data-testid="password-login"]').waitFor({ state: 'visible', timeout: waitMs() });
      assert((await currentUser.count()) === 0, 'header still shows a user');
      const stored = await page.evaluate(() => Object.keys(sessionStorage).length);
      assert(stored === 0, 'sessionStorage still holds credentials');
    }))) return;

    // ---- Staff password login ----
    const loginAs = async (username, password) => {
      await page.locator('#login-username').fill(username, { timeout: waitMs() });
      await page.locator('#login-password').fill(password);
      await page.locator('[data-testid="password-login"]').click();
    };

    await check('wrong password: the banner shows 用户名或口令不正确', async () => {
      await loginAs(STAFF.username, `${STAFF.password}-wrong`);
      await banner.waitFor({ state: 'visible', timeout: waitMs() });
      const text = squash(await banner.innerText());
      assert(text.includes('用户名或口令不正确'), `banner "${text}"`);
      assert((await banner.getAttribute('role')) === 'alert', 'banner lacks role="alert"');
      assert(new URL(page.url()).pathname === '/login', 'left the login page');
      return text;
    });

    if (!(await check(`log in as ${STAFF.username}: the header shows ${STAFF.name}`, async () => {
      const response = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/auth/login', { timeout: waitMs() });
      await loginAs(STAFF.username, STAFF.password);
      const r = await response;
      assert(r.status() === 200, `login HTTP ${r.status()}`);
      const cookie = (await r.headerValue('set-cookie')) ?? '';
      assert(/wb_session=/.test(cookie) && /HttpOnly/i.test(cookie), `set-cookie "${cookie.slice(0, 60)}"`);
      await waitUntil(async () => (await currentUser.count()) > 0 && squash(await currentUser.innerText()) === STAFF.name, 'the header user');
      await waitUntil(async () => new URL(page.url()).pathname !== '/login', 'to leave the login page');
      const csrf = await page.evaluate(() => sessionStorage.getItem('wangban.session.csrf') ?? '');
      assert(csrf.length >= 16, 'no CSRF token kept in sessionStorage');
      return `landed on ${new URL(page.url()).pathname}`;
    }))) return;

    await check(`${STAFF.username} sees only the pages it may use`, async () => {
      assert((await navLink('我的会话').count()) === 1, 'no 我的会话');
      for (const label of ['机构管理', '账号管理', '角色管理', '插件管理']) {
        assert((await navLink(label).count()) === 0, `${label} shown without its permission`);
      }
    });

    await check(`我的账号 lists ${ROLE.permission} in ${UNITS[2].name}`, async () => {
      await page.locator('header [data-testid="current-user-link"]').click({ timeout: waitMs() });
      await page.waitForURL((url) => url.pathname === '/account', { timeout: waitMs() });
      const row = page.locator(`[data-testid="grant-row"][data-permission=${JSON.stringify(ROLE.permission)}]`);
      await row.waitFor({ state: 'visible', timeout: waitMs() });
      return squash(await row.innerText());
    });
    await takeShot('account');

    await check('我的会话 lists exactly one current session', async () => {
      await openPage('我的会话', '/account/sessions');
      await sessionRows.first().waitFor({ state: 'visible', timeout: waitMs() });
      const current = page.locator('[data-testid="session-row"][data-current="true"]');
      assert((await current.count()) === 1, `${await current.count()} current sessions`);
      const text = squash(await current.innerText());
      assert(text.includes('当前'), `row "${text}"`);
      assert((await current.locator('[data-testid="session-revoke"]').count()) === 0, 'the current session offers 注销');
      return `${await sessionRows.count()} session(s); ${text}`;
    });

    await check('after a page reload the session and its CSRF token come back from /api/auth/me', async () => {
      await page.evaluate(() => sessionStorage.removeItem('wangban.session.csrf'));
      await page.reload({ waitUntil: 'domcontentloaded', timeout: waitMs() });
      await waitUntil(async () => (await currentUser.count()) > 0 && squash(await currentUser.innerText()) === STAFF.name, 'the header user');
      await sessionRows.first().waitFor({ state: 'visible', timeout: waitMs() });
      const csrf = await waitUntil(() => page.evaluate(() => sessionStorage.getItem('wangban.session.csrf')), 'the CSRF token');
      return `csrf ${csrf.length} chars`;
    });
    await takeShot('sessions');

    await check('退出 ends the session on the kernel (POST /api/auth/logout with X-CSRF-Token → 204)', async () => {
      const request = page.waitForRequest((r) => new URL(r.url()).pathname === '/api/auth/logout', { timeout: waitMs() });
      const response = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/auth/logout', { timeout: waitMs() });
      await page.getByRole('button', { name: '退出', exact: true }).click({ timeout: waitMs() });
      const req = await request;
      const csrf = (await req.headerValue('x-csrf-token')) ?? '';
      assert(csrf.length >= 16, 'no X-CSRF-Token header');
      assert(req.postData() === '{}', `body ${JSON.stringify(req.postData())}`);
      const res = await response;
      assert(res.status() === 204, `HTTP ${res.status()}`);
      await page.waitForURL((url) => url.pathname === '/login', { timeout: waitMs() });
      const me = await page.evaluate(async () => (await fetch('/api/auth/me', { credentials: 'same-origin' })).status);
      assert(me === 401, `/api/auth/me answers ${me} after logout`);
      assert((await page.evaluate(() => Object.keys(sessionStorage).length)) === 0, 'sessionStorage not empty');
    });

    await check('no uncaught JavaScript errors on the page', () => {
      assert(pageErrors.length === 0, pageErrors.join(' | '));
    });
  } catch (e) {
    fail('unexpected error', e);
    await takeShot('failure').catch(() => {});
  }
}

await run(OVERALL_TIMEOUT_MS, main);
