import { computed, ref, shallowRef } from 'vue';
import type { ApiError } from './api';

// Who is logged in, and how. Two ways, both kept only for this tab:
//  - the administrator bearer token (sessionStorage), a "system" principal with every permission;
//  - a cookie session (staff password, digital certificate or the upstream identity platform): an
//    HttpOnly cookie the page never sees, plus its CSRF token (sessionStorage; after a reload it
//    comes back from GET /api/auth/me).
const TOKEN_KEY = 'wangban.admin.token';
const CSRF_KEY = 'wangban.session.csrf';
// Not a secret: which login form to open first next time (localStorage, survives logout).
const METHOD_KEY = 'wangban.login.method';

export interface Grant {
  permission: string;
  org_unit_id: string;
  org_name?: string;
}

/** GET /api/auth/me (also the `principal` of a login). */
export interface Me {
  kind: 'anonymous' | 'person' | 'staff' | 'system' | 'legal' | string;
  account_id: string;
  display_name: string;
  session_id: string;
  grants: Grant[];
  /** A natural person acting for a legal person (代办): that legal person's id, else null. */
  acting_for?: string | null;
  /** What the agent may handle for it: item codes, or "*". */
  agent_scope?: string[];
  csrf_token?: string;
}

/** How this browser last logged in: opens that login form first next time. */
export type LoginMethod = 'token' | 'password' | 'certificate' | 'oidc';

function readStored(storage: 'session' | 'local', key: string): string | null {
  try {
    return (storage === 'session' ? window.sessionStorage : window.localStorage).getItem(key);
  } catch {
    return null;
  }
}

function writeStored(storage: 'session' | 'local', key: string, value: string | null): void {
  try {
    const s = storage === 'session' ? window.sessionStorage : window.localStorage;
    if (value === null) s.removeItem(key);
    else s.setItem(key, value);
  } catch {
    /* storage unavailable: keep the value in memory only */
  }
}

/** The administrator (or API) bearer token, when logged in that way. */
export const adminToken = ref<string | null>(readStored('session', TOKEN_KEY));
/** The CSRF token of the cookie session, sent as X-CSRF-Token on every change. */
export const csrfToken = ref<string | null>(readStored('session', CSRF_KEY));
/** The logged-in principal; null until GET /api/auth/me (or the login) answered. */
export const me = shallowRef<Me | null>(null);
/** Shown once on the login page: why the user was sent there (e.g. the session expired). */
export const loginNotice = shallowRef<ApiError | null>(null);

export const authMode = computed<'token' | 'session' | null>(() =>
  adminToken.value ? 'token' : me.value ? 'session' : null,
);
export const loggedIn = computed(() => authMode.value !== null);
export const displayName = computed(() => me.value?.display_name || (adminToken.value ? '系统管理令牌' : ''));
export const isSystem = computed(() => (me.value ? me.value.kind === 'system' : !!adminToken.value));
/** A natural or legal person (an applicant), as opposed to staff and the system. */
export const isApplicant = computed(() => me.value?.kind === 'person' || me.value?.kind === 'legal');
/** The name of the legal person the session acts for (resolved from GET /api/auth/mandates), else null. */
export const actingName = ref<string | null>(null);

/** Holds `permission` in some organisation unit (the system principal holds every permission). */
export function can(permission: string): boolean {
  if (isSystem.value) return true;
  return (me.value?.grants ?? []).some((g) => g.permission === permission || g.permission === '*');
}

export function setAdminToken(value: string, principal: Me | null = null): void {
  adminToken.value = value;
  me.value = principal;
  csrfToken.value = null;
  writeStored('session', TOKEN_KEY, value);
  writeStored('session', CSRF_KEY, null);
  writeStored('local', METHOD_KEY, 'token');
}

export function setSession(principal: Me, csrf: string | null): void {
  adminToken.value = null;
  writeStored('session', TOKEN_KEY, null);
  me.value = principal;
  setCsrf(csrf);
}

export function setCsrf(csrf: string | null): void {
  csrfToken.value = csrf;
  writeStored('session', CSRF_KEY, csrf);
}

export function rememberLoginMethod(method: LoginMethod): void {
  writeStored('local', METHOD_KEY, method);
}

/** The last login method on this browser; null when none is remembered. */
export function lastLoginMethod(): LoginMethod | null {
  const v = readStored('local', METHOD_KEY);
  return v === 'token' || v === 'password' || v === 'certificate' || v === 'oidc' ? v : null;
}

/** Open the token form first unless the last login on this browser used a password. */
export function prefersTokenLogin(): boolean {
  return lastLoginMethod() !== 'password';
}

type SignOutListener = (expired: boolean) => void;
const listeners: SignOutListener[] = [];

/** Called after every sign-out: expired=true when the kernel refused the credentials. */
export function onSignOut(listener: SignOutListener): void {
  listeners.push(listener);
}

/** Forgets every credential of this tab (the cookie is cleared by POST /api/auth/logout). */
export function signOut(expired = false, notice: ApiError | null = null): void {
  const had = adminToken.value !== null || me.value !== null || csrfToken.value !== null;
  adminToken.value = null;
  me.value = null;
  csrfToken.value = null;
  actingName.value = null;
  writeStored('session', TOKEN_KEY, null);
  writeStored('session', CSRF_KEY, null);
  loginNotice.value = notice;
  if (had) for (const l of listeners) l(expired);
}

