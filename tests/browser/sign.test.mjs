#!/usr/bin/env node
// Browser test of 文件签名 (an applicant signs a document in the browser; the server never sees the
// private key) against a live kernel with the demo data and the development CA
// (tests/browser/browser_test.cpp starts it and issues the certificates):
//
//   WANGBAN_URL=http://127.0.0.1:18080 CERT_FILE=person.pem KEY_FILE=person.key.pem WRONG_KEY_FILE=other.key.pem \
//     PKI_DIR=/tmp/pki [SCREENSHOT=/tmp/sign] node tests/browser/sign.test.mjs
//
// CERT_FILE/KEY_FILE: 王小明's SM2 certificate (with the issuing CA) and key from `wangban ca issue
// person`; WRONG_KEY_FILE: another person's key. PKI_DIR holds ec.crt/ec.key (ECDSA P-256, 李四, under
// a root the kernel trusts) and rsa.crt/rsa.key (RSA, 赵五).
//
//  - 王小明 logs in with the certificate and opens 文件签名 from the header (also a tab of 个人中心);
//  - a key that is not the certificate's is refused beside 私钥文件 before anything is sent;
//  - a small text file is signed: prepare → signed in the browser → complete, the form disabled with
//    its progress while the kernel works; the result names 王小明 with the signing time and the time
//    stamp; the .p7s download is the kernel's CMS signature;
//  - 去验证 carries both files to /verify: 验证通过, 王小明 as signer, a valid time stamp; the same
//    signature over a one-byte-changed document: 验证未通过 naming 文档摘要;
//  - an ECDSA P-256 certificate signs too (WebCrypto, its r||s re-encoded as DER) and verifies; an RSA
//    certificate is refused by the kernel, its Chinese detail beside 证书文件;
//  - no request body or URL ever carries a private key.
// Prints one line per check, then "N passed, N failed"; exits 0 only if none failed. SCREENSHOT is a
// path prefix for one picture per page (<prefix>-<page>.png).

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { assert, check, fail, launchPage, readEnv, run, screenshots, squash, waitMs, waitUntil } from './harness.mjs';

const OVERALL_TIMEOUT_MS = 240_000;
const PERSON = { name: '王小明' };
const EC_PERSON = '李四';
const DOCUMENT = {
  name: '个体工商户设立登记申请书.txt',
  bytes: Buffer.from('个体工商户设立登记申请书\n经营者：王小明\n经营场所：西湖区文三路 1 号\n申请日期：2026-11-27\n', 'utf8'),
};
const SIGN_PATHS = ['/api/trust/signatures/prepare', '/api/trust/signatures/complete'];

const shotPath = (prefix, name) => `${prefix}-${name}.png`;

async function main() {
  const { base, screenshot } = readEnv();
  const env = {
    cert: process.env.CERT_FILE ?? '',
    key: process.env.KEY_FILE ?? '',
    wrongKey: process.env.WRONG_KEY_FILE ?? '',
    pki: process.env.PKI_DIR ?? '',
  };
  const pkiFile = (name) => path.join(env.pki, name);
  const envOk = await check('environment (WANGBAN_URL, CERT_FILE, KEY_FILE, WRONG_KEY_FILE, PKI_DIR)', () => {
    assert(/^https?:\/\//.test(base), 'WANGBAN_URL must be an http(s) URL');
    for (const f of [env.cert, env.key, env.wrongKey, ...['ec.crt', 'ec.key', 'rsa.crt', 'rsa.key'].map(pkiFile)]) {
      assert(f && fs.existsSync(f), `missing ${f || 'a file'}`);
    }
    return base;
  });
  if (!envOk) return;

  const first = await launchPage();
  if (!first) return;
  const { page, pageErrors } = first;
  const takeShot = screenshots(page, screenshot, (name) => shotPath(screenshot, name));

  // Nothing the browser sends may carry a private key: not its PEM (label or Base64), nor its secret
  // number (an EC/SM2 key's d, an RSA key's private exponent) in hex, Base64 or Base64url. (Lines of a
  // key file are no test: a PKCS#8 key also holds the public key, which the certificate carries too.)
  const keySecrets = (file) => {
    const pem = fs.readFileSync(file, 'utf8');
    const body = pem.split('\n').filter((l) => l && !l.startsWith('-----')).join('');
    let d = null;
    try {
      d = Buffer.from(crypto.createPrivateKey(pem).export({ format: 'jwk' }).d, 'base64url'); // P-256 and RSA
    } catch {
      // SM2 (no JWK): ECPrivateKey ::= SEQUENCE { version 1, privateKey OCTET STRING (32 bytes), … }
      const der = Buffer.from(body, 'base64');
      const at = der.indexOf(Buffer.from([0x02, 0x01, 0x01, 0x04, 0x20]));
      if (at >= 0) d = der.subarray(at + 5, at + 37);
    }
    if (!d || d.length < 32) throw new Error(`cannot read the secret of ${file}`);
    const hex = d.toString('hex');
    return [body, hex, hex.toUpperCase(), d.toString('base64'), d.toString('base64url')];
  };
  const secrets = [env.key, env.wrongKey, pkiFile('ec.key'), pkiFile('rsa.key')].flatMap(keySecrets);
  const leaks = [];
  const signRequests = [];
  let requests = 0;
  page.on('request', (r) => {
    requests += 1;
    const sent = `${r.url()}\n${r.postData() ?? ''}`;
    if (/PRIVATE KEY/.test(sent) || secrets.some((x) => sent.includes(x))) leaks.push(r.url());
    if (SIGN_PATHS.includes(new URL(r.url()).pathname)) signRequests.push(r);
  });

  const textOf = async (locator) => squash(await locator.innerText({ timeout: waitMs() }));
  const headerName = async () => {
    const h = page.locator('header [data-testid="current-user"]');
    return (await h.count()) > 0 ? squash(await h.innerText()) : '';
  };
  const navLink = (label) => page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: label, exact: true });
  const docFile = (bytes = DOCUMENT.bytes) => ({ name: DOCUMENT.name, mimeType: 'text/plain', buffer: bytes });
  /** Picks the certificate and key files of the form (paths on disk). */
  const pickCredentials = async (cert, key) => {
    await page.locator('#sign-cert').setInputFiles(cert, { timeout: waitMs() });
    await page.locator('[data-testid="cert-summary"]').waitFor({ state: 'visible', timeout: waitMs() });
    await page.locator('#sign-key').setInputFiles(key, { timeout: waitMs() });
  };
  /** Presses 签名 and answers the prepare and complete responses (complete: null when it is not sent). */
  const signAndWait = async () => {
    const prepared = page.waitForResponse((r) => new URL(r.url()).pathname === SIGN_PATHS[0], { timeout: waitMs() });
    const completed = page.waitForResponse((r) => new URL(r.url()).pathname === SIGN_PATHS[1], { timeout: waitMs() }).catch(() => null);
    await page.locator('[data-testid="sign-submit"]').click({ timeout: waitMs() });
    const p = await prepared;
    return { prepared: p, completed: p.status() === 200 ? await completed : null };
  };
  /** Verifies on /verify (the files already chosen) and answers the report section. */
  const verifyNow = async () => {
    const response = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/trust/verify', { timeout: waitMs() });
    await page.locator('[data-testid="verify-submit"]').click({ timeout: waitMs() });
    const r = await response;
    assert(r.status() === 200, `verify HTTP ${r.status()}: ${await r.text()}`);
    const report = page.locator('[data-testid="verify-report"]');
    await report.waitFor({ state: 'visible', timeout: waitMs() });
    return { report, sent: JSON.parse(r.request().postData() ?? '{}') };
  };

  let signature = null;
  try {
    // ---- 王小明 logs in with the certificate from the development CA ----
    if (!(await check(`${PERSON.name} logs in with the certificate (signed in the browser) and lands on 我的账号`, async () => {
      await page.goto(`${base}/login`, { waitUntil: 'domcontentloaded', timeout: waitMs() });
      await page.getByRole('tab', { name: '数字证书登录' }).click({ timeout: waitMs() });
      await page.locator('#cert-file').setInputFiles(env.cert, { timeout: waitMs() });
      await page.locator('[data-testid="cert-summary"]').waitFor({ state: 'visible', timeout: waitMs() });
      await page.locator('#cert-key').setInputFiles(env.key, { timeout: waitMs() });
      const response = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/auth/cert/login', { timeout: waitMs() });
      await page.locator('[data-testid="cert-login"]').click({ timeout: waitMs() });
      const r = await response;
      assert(r.status() === 200, `HTTP ${r.status()}: ${await r.text()}`);
      await page.waitForURL((url) => url.pathname === '/account', { timeout: waitMs() });
      await waitUntil(async () => (await headerName()) === PERSON.name, `the header to show ${PERSON.name}`);
      return textOf(page.locator('header .user-kind'));
    }))) return;

    if (!(await check('文件签名 is in the header and opens /account/sign, also a tab of 个人中心', async () => {
      await navLink('文件签名').click({ timeout: waitMs() });
      await page.waitForURL((url) => url.pathname === '/account/sign', { timeout: waitMs() });
      await page.getByRole('heading', { level: 1, name: '文件签名' }).waitFor({ state: 'visible', timeout: waitMs() });
      const tab = page.getByRole('navigation', { name: '个人中心' }).getByRole('link', { name: '文件签名', exact: true });
      assert((await tab.getAttribute('class'))?.includes('is-active'), 'the 文件签名 tab is not active');
      for (const label of ['文件', '证书文件', '私钥文件']) await page.getByLabel(label, { exact: true }).waitFor({ state: 'visible', timeout: waitMs() });
      const note = await textOf(page.locator('[data-testid="sign-key-note"]'));
      assert(note.includes('只在本浏览器中') && note.includes('不会上传'), `note "${note}"`);
      return note;
    }))) return;
    await takeShot('form');

    await check('a key that is not the certificate\'s is refused beside 私钥文件, before anything is sent', async () => {
      await page.locator('#sign-document').setInputFiles(docFile(), { timeout: waitMs() });
      await pickCredentials(env.cert, env.wrongKey);
      const sentBefore = signRequests.length;
      await page.locator('[data-testid="sign-submit"]').click({ timeout: waitMs() });
      const err = page.locator('[data-testid="sign-key-error"]');
      await err.waitFor({ state: 'visible', timeout: waitMs() });
      const text = await textOf(err);
      assert(text.includes('私钥与证书不匹配'), `error "${text}"`);
      assert((await page.locator('#sign-key').getAttribute('aria-invalid')) === 'true', 'the key field is not aria-invalid');
      assert(((await page.locator('#sign-key').getAttribute('aria-describedby')) ?? '').includes('sign-key-error'), 'the error is not tied to the field');
      assert(signRequests.length === sentBefore, 'a signing request was sent with the wrong key');
      assert((await page.locator('[data-testid="sign-result"]').count()) === 0, 'a result is shown');
      return text;
    });

    if (!(await check('签名: prepare → signed in the browser → complete, the form disabled with its progress meanwhile', async () => {
      await page.locator('#sign-key').setInputFiles(env.key, { timeout: waitMs() });
      await waitUntil(async () => (await page.locator('[data-testid="sign-key-error"]').count()) === 0, 'the key error to go');
      // Hold the last step until the page has been seen working.
      let release;
      const held = new Promise((resolve) => (release = resolve));
      await page.route('**/api/trust/signatures/complete', async (route) => {
        await held;
        await route.continue();
      });
      try {
        const answer = signAndWait();
        const progress = page.locator('[data-testid="sign-progress"][data-stage="completing"]');
        await progress.waitFor({ state: 'visible', timeout: waitMs() });
        assert(await page.locator('[data-testid="sign-submit"]').isDisabled(), '签名 is not disabled while signing');
        assert((await page.locator('[data-testid="sign-submit"]').getAttribute('aria-busy')) === 'true', 'not aria-busy');
        for (const id of ['#sign-document', '#sign-cert', '#sign-key']) assert(await page.locator(id).isDisabled(), `${id} is not disabled`);
        const said = await textOf(progress);
        release();
        const { prepared, completed } = await answer;
        assert(prepared.status() === 200, `prepare HTTP ${prepared.status()}: ${await prepared.text()}`);
        const step1 = JSON.parse(prepared.request().postData() ?? '{}');
        assert(Buffer.from(step1.document_base64, 'base64').equals(DOCUMENT.bytes), 'prepare: the document was not sent as Base64 of its bytes');
        assert(step1.certificate_pem.startsWith('-----BEGIN CERTIFICATE-----') && step1.certificate_pem.match(/BEGIN CERTIFICATE/g).length === 1, 'prepare: not the leaf certificate alone');
        const attributes = (await prepared.json()).signed_attributes_base64;
        assert(completed && completed.status() === 201, `complete HTTP ${completed?.status()}: ${completed ? await completed.text() : 'not sent'}`);
        const step2 = JSON.parse(completed.request().postData() ?? '{}');
        assert(step2.signed_attributes_base64 === attributes, 'complete: not the attributes prepare gave');
        assert(Buffer.from(step2.document_base64, 'base64').equals(DOCUMENT.bytes), 'complete: the document');
        assert(Array.isArray(step2.certificate_chain) && step2.certificate_chain.length === 2, `complete: chain of ${step2.certificate_chain?.length}`);
        const value = Buffer.from(step2.signature_base64, 'base64');
        assert(value[0] === 0x30 && value.length >= 8 && value.length <= 72, `the signature value is not DER SEQUENCE{r, s} (${value.length} bytes)`);
        signature = Buffer.from((await completed.json()).signature_base64, 'base64');
        return `${said}; SM2 signature value ${value.length} bytes, CMS ${signature.length} bytes`;
      } finally {
        release();
        await page.unroute('**/api/trust/signatures/complete');
      }
    }))) return;

    await check(`the result names ${PERSON.name}, the signing time and the time stamp`, async () => {
      const result = page.locator('[data-testid="sign-result"]');
      await result.waitFor({ state: 'visible', timeout: waitMs() });
      assert((await textOf(result)).includes(DOCUMENT.name), 'the document is not named');
      assert((await textOf(result.locator('[data-testid="sign-signer"]'))) === PERSON.name, `signer ${await textOf(result.locator('[data-testid="sign-signer"]'))}`);
      const time = await textOf(result.locator('[data-testid="sign-time"]'));
      const stamp = await textOf(result.locator('[data-testid="sign-timestamp"]'));
      const year = String(new Date().getFullYear());
      assert(time.includes(year), `signing time "${time}"`);
      assert(stamp.includes(year), `time stamp "${stamp}"`);
      assert((await page.locator('[data-testid="sign-progress"]').count()) === 0, 'the progress is still shown');
      assert(await page.locator('[data-testid="sign-submit"]').isEnabled(), '签名 is still disabled');
      return `签名时间 ${time}; 时间戳 ${stamp}`;
    });
    await takeShot('signed');

    await check('the .p7s download is the CMS signature the kernel made', async () => {
      const download = page.waitForEvent('download', { timeout: waitMs() });
      await page.locator('[data-testid="sign-download"]').click({ timeout: waitMs() });
      const d = await download;
      assert(d.suggestedFilename() === `${DOCUMENT.name}.p7s`, `file name ${d.suggestedFilename()}`);
      const bytes = fs.readFileSync(await d.path());
      assert(signature && bytes.equals(signature), 'the downloaded bytes are not the signature');
      assert(bytes[0] === 0x30, 'not DER');
      return `${d.suggestedFilename()}, ${bytes.length} bytes`;
    });

    await check(`去验证 carries both files to /verify: 验证通过, ${PERSON.name} the signer, with a time stamp`, async () => {
      await page.locator('[data-testid="sign-verify"]').click({ timeout: waitMs() });
      await page.waitForURL((url) => url.pathname === '/verify', { timeout: waitMs() });
      const handoff = await textOf(page.locator('[data-testid="verify-handoff"]'));
      assert(handoff.includes('文件签名'), `handoff "${handoff}"`);
      const { report, sent } = await verifyNow();
      assert(Buffer.from(sent.document_base64, 'base64').equals(DOCUMENT.bytes), 'not the document');
      assert(signature && Buffer.from(sent.signature_base64, 'base64').equals(signature), 'not the signature');
      assert((await textOf(report.locator('[data-testid="verify-verdict"]'))) === '验证通过', await textOf(report));
      assert((await textOf(report.locator('[data-testid="verify-signer"]'))) === PERSON.name, 'signer');
      const stamp = await textOf(report.locator('[data-testid="verify-timestamp"]'));
      assert(stamp.startsWith('有效'), `time stamp "${stamp}"`);
      const failed = await report.locator('[data-testid="verify-check"][data-ok="false"]').count();
      assert(failed === 0, `${failed} checks failed`);
      return stamp;
    });
    await takeShot('verified');

    await check('the same signature over a one-byte-changed document: 验证未通过, naming 文档摘要', async () => {
      const changed = Buffer.from(DOCUMENT.bytes);
      changed[changed.length - 2] ^= 0x01;
      await page.locator('#verify-document').setInputFiles(docFile(changed), { timeout: waitMs() });
      const { report, sent } = await verifyNow();
      assert(Buffer.from(sent.document_base64, 'base64').equals(changed), 'not the changed document');
      assert(signature && Buffer.from(sent.signature_base64, 'base64').equals(signature), 'not the signature');
      assert((await textOf(report.locator('[data-testid="verify-verdict"]'))) === '验证未通过', 'verdict');
      const digest = report.locator('[data-testid="verify-check"][data-name="digest"]');
      assert((await digest.getAttribute('data-ok')) === 'false', 'the digest check did not fail');
      const row = await textOf(digest);
      assert(row.includes('文档摘要') && row.includes('未通过'), `row ${row}`);
      return row;
    });
    await takeShot('changed');

    // ---- the other certificate kinds ----
    await check(`an ECDSA P-256 certificate signs too (WebCrypto, DER r, s) and the signature verifies: ${EC_PERSON}`, async () => {
      await page.goto(`${base}/account/sign`, { waitUntil: 'domcontentloaded', timeout: waitMs() });
      await page.getByRole('heading', { level: 1, name: '文件签名' }).waitFor({ state: 'visible', timeout: waitMs() });
      await page.locator('#sign-document').setInputFiles(docFile(), { timeout: waitMs() });
      await pickCredentials(pkiFile('ec.crt'), pkiFile('ec.key'));
      const { prepared, completed } = await signAndWait();
      assert(prepared.status() === 200, `prepare HTTP ${prepared.status()}: ${await prepared.text()}`);
      assert(completed && completed.status() === 201, `complete HTTP ${completed?.status()}: ${completed ? await completed.text() : 'not sent'}`);
      const value = Buffer.from(JSON.parse(completed.request().postData() ?? '{}').signature_base64, 'base64');
      assert(value[0] === 0x30 && value.length <= 72, `not DER SEQUENCE{r, s} (${value.length} bytes)`);
      const result = page.locator('[data-testid="sign-result"]');
      await result.waitFor({ state: 'visible', timeout: waitMs() });
      assert((await textOf(result.locator('[data-testid="sign-signer"]'))) === EC_PERSON, 'signer');
      await page.locator('[data-testid="sign-verify"]').click({ timeout: waitMs() });
      await page.waitForURL((url) => url.pathname === '/verify', { timeout: waitMs() });
      const { report } = await verifyNow();
      assert((await textOf(report.locator('[data-testid="verify-verdict"]'))) === '验证通过', await textOf(report));
      assert((await textOf(report.locator('[data-testid="verify-signer"]'))) === EC_PERSON, 'signer');
      return `signature value ${value.length} bytes`;
    });

    await check('an RSA certificate is refused by the kernel, its Chinese detail beside 证书文件', async () => {
      await page.goto(`${base}/account/sign`, { waitUntil: 'domcontentloaded', timeout: waitMs() });
      await page.getByRole('heading', { level: 1, name: '文件签名' }).waitFor({ state: 'visible', timeout: waitMs() });
      await page.locator('#sign-document').setInputFiles(docFile(), { timeout: waitMs() });
      await pickCredentials(pkiFile('rsa.crt'), pkiFile('rsa.key'));
      const { prepared, completed } = await signAndWait();
      assert(prepared.status() === 422, `prepare HTTP ${prepared.status()}`);
      const problem = await prepared.json();
      assert(problem.code === 'signature.unsupported_algorithm', `code ${problem.code}`);
      assert(completed === null, 'complete was sent');
      const err = page.locator('[data-testid="sign-cert-error"]');
      await err.waitFor({ state: 'visible', timeout: waitMs() });
      const text = await textOf(err);
      assert(text === squash(problem.detail), `error "${text}", detail "${problem.detail}"`);
      assert((await page.locator('#sign-cert').getAttribute('aria-invalid')) === 'true', 'the certificate field is not aria-invalid');
      assert((await page.locator('[data-testid="sign-result"]').count()) === 0, 'a result is shown');
      return text;
    });
    await takeShot('rsa');

    await check('no request body or URL carried a private key', () => {
      assert(secrets.length === 4 * 5, 'not every key was read');
      assert(leaks.length === 0, `leaked in ${leaks.join(', ')}`);
      return `${requests} requests watched, ${signRequests.length} to the signing steps`;
    });

    await check('no uncaught JavaScript errors on the pages', () => {
      assert(pageErrors.length === 0, pageErrors.join(' | '));
    });
  } catch (e) {
    fail('unexpected error', e);
    await takeShot('failure').catch(() => {});
  }
}

await run(OVERALL_TIMEOUT_MS, main);
