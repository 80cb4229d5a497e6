// Logging in and out, and finding out at start-up who is logged in.
import {
  ApiError,
  EXPIRED_MESSAGE,
  certificateChallenge,
  certificateLogin,
  getMe,
  listMandates,
  logoutSession,
  passwordLogin,
} from './api';
import {
  actingName,
  adminToken,
  authMode,
  csrfToken,
  me,
  rememberLoginMethod,
  setAdminToken,
  setSession,
  signOut,
} from './auth';
import { signNonce, type LoginKey } from './certSign';

let ready: Promise<void> | null = null;

/**
 * Resolves once the tab knows who is logged in: the stored admin token is checked, otherwise the
 * session cookie (if any) is asked for the principal and its CSRF token. Runs once per page load.
 */
export function authReady(): Promise<void> {
  ready ??= loadPrincipal();
  return ready;
}

async function loadPrincipal(): Promise<void> {
  if (adminToken.value) {
    try {
      me.value = await getMe();
    } catch {
      /* 401 has signed the tab out ("登录已过期"); an unreachable kernel: the pages show their own errors */
    }
    return;
  }
  const hadSession = csrfToken.value !== null;
  try {
    const who = await getMe({ auth: false });
    setSession(who, who.csrf_token ?? null);
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401) return;
    // Not logged in. If this tab had a session, say why the user has to log in again.
    signOut(hadSession, hadSession ? new ApiError(401, EXPIRED_MESSAGE, e.title, e.code, e.requestId) : null);
  }
}

/** Checks the token with GET /api/auth/me before keeping it; a wrong token throws (401) and keeps nothing. */
export async function loginWithToken(token: string): Promise<void> {
  try {
    const who = await getMe({ bearer: token });
    setAdminToken(token, who);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      throw new ApiError(401, '管理令牌不正确或已失效，请检查后重试。', e.title, e.code, e.requestId);
    }
    throw e;
  }
}

export async function loginWithPassword(username: string, password: string): Promise<void> {
  const r = await passwordLogin(username, password);
  setSession(r.principal, r.csrf_token);
  rememberLoginMethod('password');
}

/**
 * 数字证书登录: fetches a one-time nonce, signs it here with the key read from the applicant's file
 * (the key never leaves the page) and sends the certificate chain with the signature.
 */
export async function loginWithCertificate(chain: string[], key: LoginKey): Promise<void> {
  const { nonce } = await certificateChallenge();
  if (!/^[0-9a-f]{64}$/.test(nonce)) throw new ApiError(0, '服务器返回的挑战码格式无效，请重试。');
  const signature = await signNonce(key, nonce);
  const r = await certificateLogin(chain, nonce, signature);
  setSession(r.principal, r.csrf_token);
  rememberLoginMethod('certificate');
}

/** Reads GET /api/auth/me again (after acting for someone, or a change of my own data). */
export async function refreshMe(): Promise<void> {
  const who = await getMe();
  if (authMode.value === 'session') setSession(who, who.csrf_token ?? csrfToken.value);
  else me.value = who;
}

let actingLookup = 0;

/**
 * Finds the name of the legal person the session acts for (GET /api/auth/mandates), for the header's
 * "代表：…"; called whenever me.acting_for changes.
 */
export async function resolveActingName(legalPersonId: string | null): Promise<void> {
  const lookup = ++actingLookup;
  if (!legalPersonId) {
    actingName.value = null;
    return;
  }
  try {
    const found = (await listMandates()).find((m) => m.legal_person_id === legalPersonId);
    if (lookup === actingLookup) actingName.value = found?.name ?? '法人单位';
  } catch {
    if (lookup === actingLookup) actingName.value = '法人单位';
  }
}

/**
 * 退出: a cookie session is ended on the kernel (POST /api/auth/logout, which also clears the
 * cookie); the admin token is simply forgotten. The tab forgets its credentials either way.
 */
export async function logout(): Promise<void> {
  let problem: ApiError | null = null;
  if (authMode.value === 'session') {
    try {
      await logoutSession();
    } catch (e) {
      // 401: the session had already ended — nothing left to do on the kernel.
      if (!(e instanceof ApiError) || e.status !== 401) {
        const detail = e instanceof ApiError ? e.message : '发生未知错误。';
        problem = new ApiError(
          e instanceof ApiError ? e.status : 0,
          `服务器未确认退出：${detail}`,
          '',
          e instanceof ApiError ? e.code : null,
          e instanceof ApiError ? e.requestId : null,
        );
      }
    }
  }
  signOut(false, problem);
}
