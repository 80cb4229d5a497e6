#!/usr/bin/env node
// Browser test of the admin console's plugin page (/admin/plugins) and API docs page (/admin/api),
// run against a live kernel.
//
//   (cd web && npm ci && npm run build)        # the kernel serves web/dist at /
//   WANGBAN_URL=http://127.0.0.1:18080 WANGBAN_ADMIN_TOKEN=... \
//   EXPECT_PLUGINS=example=started,broken=refused [SCREENSHOT=/tmp/plugins.png] \
//   node tests/browser/plugins.test.mjs
//
// Uses playwright-core from web/node_modules with Debian's /usr/bin/chromium (CHROMIUM overrides
// the path). Prints one line per check, then "N passed, N failed"; exits 0 only if none failed.
// SCREENSHOT is the plugin page's picture; the API page's goes next to it with "-api" before the
// extension (plugins.png → plugins-api.png). The API checks expect the greeting plugin loaded.

import { assert, check, launchPage, oneLine, readEnv, run, screenshots, squash, timeLeft, waitMs, waitUntil } from './harness.mjs';

const OVERALL_TIMEOUT_MS = 60_000;
const STATE_LABELS = {
  started: '运行中',
  refused: '已拒绝',
  failed: '启动失败',
  stopped: '已停止',
  reloading: '重新加载中',
};

function parseExpectations(spec) {
  const out = [];
  for (const part of (spec ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = part.match(/^([^=\s]+)=([a-z]+)$/);
    if (!m) throw new Error(`bad EXPECT_PLUGINS entry "${part}" (want name=state)`);
    if (!(m[2] in STATE_LABELS)) throw new Error(`unknown state "${m[2]}" for ${m[1]}`);
    out.push({ name: m[1], state: m[2] });
  }
  if (out.length === 0) throw new Error('EXPECT_PLUGINS is empty (e.g. example=started,broken=refused)');
  return out;
}

async function main() {
  const { base, token, screenshot } = readEnv();
  let expected;
  const envOk = await check('environment (WANGBAN_URL, WANGBAN_ADMIN_TOKEN, EXPECT_PLUGINS)', () => {
    assert(/^https?:\/\//.test(base), 'WANGBAN_URL must be an http(s) URL');
    assert(token.length > 0, 'WANGBAN_ADMIN_TOKEN is empty');
    expected = parseExpectations(process.env.EXPECT_PLUGINS);
    return expected.map((e) => `${e.name}=${e.state}`).join(',');
  });
  if (!envOk) return;

  const opened = await launchPage();
  if (!opened) return;
  const { page, pageErrors } = opened;
  // One picture of each page: plugins → SCREENSHOT, API docs → SCREENSHOT with "-api" before the extension.
  const takeShot = screenshots(page, screenshot, (name) => (name === 'api' ? screenshot.replace(/(\.[^./\\]*)?$/, '-api$1') : screenshot));
  let apiPageReached = false;

  try {
    const rows = page.locator('[data-testid="plugin-row"]');
    const banner = page.locator('[data-testid="error"]');
    const tokenInput = page.locator('#admin-token');
    const loginButton = page.locator('[data-testid="login"]');
    const rowOf = (name) => page.locator(`[data-testid="plugin-row"][data-plugin=${JSON.stringify(name)}]`);

    if (!(await check(`open ${base}/admin/plugins`, async () => {
      const res = await page.goto(`${base}/admin/plugins`, { waitUntil: 'domcontentloaded', timeout: waitMs() });
      assert(res && res.ok(), `HTTP ${res?.status()}`);
      return `HTTP ${res.status()}`;
    }))) return;

    if (!(await check('login form "管理令牌" is shown', async () => {
      await tokenInput.waitFor({ state: 'visible', timeout: waitMs() });
      await loginButton.waitFor({ state: 'visible', timeout: waitMs() });
      assert((await page.getByLabel('管理令牌', { exact: true }).count()) === 1, 'input not labelled 管理令牌');
    }))) return;

    await check('header links to 接口文档 (/admin/api)', async () => {
      const link = page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '接口文档', exact: true });
      assert((await link.getAttribute('href', { timeout: waitMs() })) === '/admin/api', 'wrong href');
    });

    await check('wrong token shows the error banner and the login form again', async () => {
      await tokenInput.fill(`wrong-${Date.now()}`);
      await loginButton.click();
      await banner.waitFor({ state: 'visible', timeout: waitMs() });
      await tokenInput.waitFor({ state: 'visible', timeout: waitMs() });
      const text = squash(await banner.innerText());
      assert(text.length > 0, 'error banner is empty');
      assert((await banner.getAttribute('role')) === 'alert', 'banner lacks role="alert"');
      return text;
    });

    if (!(await check('right token shows the plugin table', async () => {
      await tokenInput.fill(token);
      await loginButton.click();
      await rows.first().waitFor({ state: 'visible', timeout: waitMs() });
      await waitUntil(async () => (await banner.count()) === 0, 'the error banner to go away');
      return `${await rows.count()} rows`;
    }))) return;

    for (const { name, state } of expected) {
      await check(`plugin ${name} is ${state} (${STATE_LABELS[state]})`, async () => {
        const row = rowOf(name);
        assert((await row.count()) === 1, `row data-plugin="${name}" not found`);
        const badge = (await row.locator('[data-testid="plugin-state"]').innerText()).trim();
        assert(badge === STATE_LABELS[state], `badge shows "${badge}"`);
        if (state === 'refused') {
          const reason = (await row.locator('[data-testid="plugin-reason"]').innerText()).trim();
          assert(reason.length > 0 && reason !== '—', 'reason cell is empty');
          return `reason: ${reason}`;
        }
        return '';
      });
    }

    const target = expected.find((e) => e.state === 'started');
    if (!target) {
      console.log('skip - reload: no plugin expected to be started');
    } else {
      const row = rowOf(target.name);
      const button = row.locator('[data-testid="reload"]');
      const badge = row.locator('[data-testid="plugin-state"]');
      const confirm = page.locator('[data-testid="confirm"]');

      const asked = await check(`reload ${target.name}: confirmation dialog opens`, async () => {
        await button.click({ timeout: waitMs() });
        await confirm.waitFor({ state: 'visible', timeout: waitMs() });
        assert((await page.locator('dialog[open]').count()) === 1, 'no open <dialog>');
      });

      if (asked) {
        // Hold the POST until the page's progress state has been observed, so the check
        // does not race a fast kernel.
        const reloadPath = `/api/admin/plugins/${encodeURIComponent(target.name)}/reload`;
        const isReload = (url) => url.pathname === reloadPath;
        let seen = null;
        let routed = false;
        await page.route(isReload, async (route) => {
          const req = route.request();
          try {
            const progress = await waitUntil(
              async () => (await button.isDisabled()) && (await button.innerText()).includes('正在重新加载'),
              'the reload button to show progress',
              Math.min(5_000, timeLeft()),
            ).then(() => true, (e) => e);
            seen = {
              method: req.method(),
              auth: (await req.headerValue('authorization')) ?? '',
              type: (await req.headerValue('content-type')) ?? '',
              body: req.postData(),
              progress,
            };
          } finally {
            await route.continue().catch(() => {});
            routed = true;
          }
        });
        const response = page.waitForResponse((r) => isReload(new URL(r.url())), { timeout: waitMs() });
        response.catch(() => {});

        await check(`reload ${target.name}: confirm sends the request with progress shown`, async () => {
          await confirm.click({ timeout: waitMs() });
          await waitUntil(() => routed, 'the reload request');
          assert(seen.method === 'POST', `method ${seen.method}`);
          assert(seen.auth === `Bearer ${token}`, 'missing or wrong Authorization header');
          assert(/^application\/json/.test(seen.type), `Content-Type "${seen.type}"`);
          assert(seen.body === '{}', `body ${JSON.stringify(seen.body)}`);
          if (seen.progress !== true) throw seen.progress;
          return 'button disabled, 正在重新加载…';
        });

        await check(`reload ${target.name}: kernel answers 200`, async () => {
          const r = await response;
          if (r.status() !== 200) throw new Error(`HTTP ${r.status()}: ${oneLine(await r.text().catch(() => ''))}`);
        });

        await check(`reload ${target.name}: badge shows 运行中 again, no error banner`, async () => {
          await waitUntil(
            async () =>
              !(await button.isDisabled()) && (await badge.innerText()).trim() === STATE_LABELS.started,
            `${target.name} to be 运行中 with its button enabled`,
          );
          assert((await page.locator('dialog[open]').count()) === 0, 'dialog still open');
          if ((await banner.count()) > 0) throw new Error(`error banner: ${await banner.first().innerText().catch(() => '')}`);
        });
        await page.unroute(isReload).catch(() => {});
      }
    }

    await takeShot('plugins');

    await check('退出 clears the token and shows the login form', async () => {
      await page.getByRole('button', { name: '退出' }).click({ timeout: waitMs() });
      await tokenInput.waitFor({ state: 'visible', timeout: waitMs() });
      assert((await rows.count()) === 0, 'rows still shown');
      const stored = await page.evaluate(() => Object.keys(sessionStorage).length);
      assert(stored === 0, 'sessionStorage still holds a token');
    });

    // The API docs page: public, so it works without the token (退出 above cleared it).
    const apiRoutes = page.locator('[data-testid="api-route"]');
    const apiRoute = (method, path) =>
      page.locator(`[data-testid="api-route"][data-method=${JSON.stringify(method)}][data-path=${JSON.stringify(path)}]`);
    const hello = apiRoute('GET', '/api/greeting/hello');
    const reload = apiRoute('POST', '/api/admin/plugins/{name}/reload');
    const greetings = apiRoute('POST', '/api/greeting/greetings');
    const filter = page.locator('#api-filter');
    const docsLink = page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '接口文档', exact: true });

    apiPageReached = await check('header link 接口文档 opens /admin/api', async () => {
      await docsLink.click({ timeout: waitMs() });
      await page.waitForURL((url) => url.pathname === '/admin/api', { timeout: waitMs() });
      await page.getByRole('heading', { level: 1, name: '接口文档' }).waitFor({ state: 'visible', timeout: waitMs() });
      return await page.title();
    });

    if (apiPageReached) {
      await check('API page lists GET /api/greeting/hello', async () => {
        await hello.waitFor({ state: 'visible', timeout: waitMs() });
        assert((await hello.count()) === 1, `${await hello.count()} matching routes`);
        const count = (await page.locator('[data-testid="api-count"]').innerText()).trim();
        return `${await apiRoutes.count()} routes; ${count}`;
      });

      await check('API page lists POST /api/admin/plugins/{name}/reload with permission admin.plugins.reload', async () => {
        await reload.waitFor({ state: 'visible', timeout: waitMs() });
        const perm = squash(await reload.locator('[data-testid="api-permission"]').innerText());
        assert(perm.includes('所需权限') && perm.includes('admin.plugins.reload'), `permission shows "${perm}"`);
        return perm;
      });

      await check('API page links 下载 OpenAPI JSON to /api/openapi.json', async () => {
        const link = page.getByRole('link', { name: '下载 OpenAPI JSON' });
        assert((await link.getAttribute('href', { timeout: waitMs() })) === '/api/openapi.json', 'wrong href');
      });

      await check('filter "greeting" hides the reload route and keeps the greeting route', async () => {
        assert((await page.getByLabel('筛选接口', { exact: true }).count()) === 1, 'input not labelled 筛选接口');
        await filter.fill('greeting', { timeout: waitMs() });
        await waitUntil(async () => (await reload.isHidden()) && (await hello.isVisible()), 'the filter to apply');
        return (await page.locator('[data-testid="api-count"]').innerText()).trim();
      });

      await check('expand POST /api/greeting/greetings: request schema shows name 必填', async () => {
        const toggle = greetings.locator('[data-testid="api-toggle"]');
        assert((await toggle.getAttribute('aria-expanded', { timeout: waitMs() })) === 'false', 'not collapsed at first');
        assert((await toggle.innerText()).includes('展开'), `toggle reads "${await toggle.innerText()}"`);
        await toggle.click({ timeout: waitMs() });
        await waitUntil(async () => (await toggle.getAttribute('aria-expanded')) === 'true', 'aria-expanded="true"');
        const prop = greetings.locator('[data-testid="api-request-schema"] [data-testid="schema-prop"][data-name="name"]');
        await prop.first().waitFor({ state: 'visible', timeout: waitMs() });
        const line = squash(await prop.first().innerText());
        const mark = (await prop.first().locator('[data-testid="schema-required"]').innerText()).trim();
        assert(mark === '必填', `no 必填 in "${line}"`);
        return line;
      });

      await check('clearing the filter shows every route again', async () => {
        await filter.fill('', { timeout: waitMs() });
        await waitUntil(async () => (await reload.isVisible()) && (await hello.isVisible()), 'all routes to be shown');
        return `${await apiRoutes.count()} routes`;
      });

      await takeShot('api');
    }

    await check('no uncaught JavaScript errors on the page', () => {
      assert(pageErrors.length === 0, pageErrors.join(' | '));
    });
  } finally {
    await takeShot('plugins').catch(() => {});
    if (apiPageReached) await takeShot('api').catch(() => {});
  }
}

await run(OVERALL_TIMEOUT_MS, main);
