import { adminToken, csrfToken, setSession, signOut, type Me } from './auth';

export type PluginState = 'started' | 'refused' | 'failed' | 'stopped' | 'reloading';

export interface PluginRequirement {
  name: string;
  range: string;
}

export interface PluginInfo {
  name: string;
  version: string;
  state: PluginState | string;
  required: boolean;
  reason: string | null;
  file: string;
  api: string;
  requires: PluginRequirement[];
  routes: number;
}

/** One entry of a problem's `errors` list: where (a JSON Pointer, or e.g. "CSV 第 12 行 …") and what, in Chinese. */
export interface ProblemEntry {
  at: string;
  message: string;
  /** The JSON Pointer, when `at` is one (the same text), as the kernel's schema errors give it. */
  pointer?: string;
  /** For a CSV import: the file's line and the column's name (`at` then reads "第 12 行 promised_limit 列（…）"). */
  line?: number;
  column?: string;
}

/** An RFC 9457 problem (application/problem+json) or a transport failure. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string | null;
  readonly requestId: string | null;
  readonly title: string;
  /** The request field the problem is about (the problem's `field` member), when the kernel names one. */
  readonly field: string | null;
  /** Each thing wrong in a rejected record or import (the problem's `errors` member); empty when none is listed. */
  readonly errors: ProblemEntry[];

  constructor(
    status: number,
    detail: string,
    title = '',
    code: string | null = null,
    requestId: string | null = null,
    field: string | null = null,
    errors: ProblemEntry[] = [],
  ) {
    super(detail);
    this.name = 'ApiError';
    this.status = status;
    this.title = title;
    this.code = code;
    this.requestId = requestId;
    this.field = field;
    this.errors = errors;
  }
}

/** Any thrown value as an ApiError, for ErrorBanner. */
export function asApiError(e: unknown): ApiError {
  return e instanceof ApiError ? e : new ApiError(0, '发生未知错误，请刷新页面后重试。');
}

const TIMEOUT_MS = 20_000;
/** Shown on the login page when the kernel no longer accepts the session or token. */
export const EXPIRED_MESSAGE = '登录已过期，请重新登录';
const EXPIRED_CODES = new Set(['auth.required', 'auth.invalid_token', 'auth.session_expired']);

function str(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v : null;
}

async function toApiError(res: Response): Promise<ApiError> {
  let body: Record<string, unknown> | null = null;
  try {
    const parsed: unknown = await res.json();
    if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>;
  } catch {
    /* not JSON */
  }
  const title = str(body?.title) ?? '';
  const detail = str(body?.detail) ?? (title || `请求失败（HTTP ${res.status}）`);
  return new ApiError(
    res.status,
    detail,
    title,
    str(body?.code),
    str(body?.request_id) ?? res.headers.get('X-Request-Id'),
    str(body?.field),
    problemEntries(body?.errors),
  );
}

function problemEntries(v: unknown): ProblemEntry[] {
  if (!Array.isArray(v)) return [];
  return v
    .filter((e): e is Record<string, unknown> => !!e && typeof e === 'object')
    .map((e) => {
      const entry: ProblemEntry = {
        at: typeof e.at === 'string' ? e.at : typeof e.pointer === 'string' ? e.pointer : '',
        message: typeof e.message === 'string' ? e.message : String(e.message ?? ''),
      };
      if (typeof e.pointer === 'string') entry.pointer = e.pointer;
      if (typeof e.line === 'number') entry.line = e.line;
      if (typeof e.column === 'string' || typeof e.column === 'number') entry.column = String(e.column);
      return entry;
    });
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  /**
   * Send the caller's credentials (default): the admin token as a bearer token, or, for a cookie
   * session, the X-CSRF-Token header on changes; a 401 then signs the tab out ("登录已过期").
   * Public endpoints pass false, so a stale login does not sign out.
   */
  auth?: boolean;
  /** Try this bearer token instead of the stored one (checking a token before keeping it); 401 does not sign out. */
  bearer?: string;
  /** How long to wait for the answer (default 20 s); large uploads need longer. */
  timeoutMs?: number;
}

function send(
  method: Method,
  path: string,
  body: unknown,
  headers: Record<string, string>,
  timeoutMs = TIMEOUT_MS,
): Promise<Response> {
  const ctrl = new AbortController();
  const timer = window.setTimeout(() => ctrl.abort(), timeoutMs);
  return fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: ctrl.signal,
    credentials: 'same-origin', // the session cookie (HttpOnly, SameSite=Lax)
    cache: 'no-store',
  })
    .catch((e: unknown) => {
      const timedOut = e instanceof DOMException && e.name === 'AbortError';
      throw new ApiError(0, timedOut ? '服务器响应超时，请稍后重试。' : '无法连接服务器，请检查网络后重试。');
    })
    .finally(() => window.clearTimeout(timer));
}

/**
 * Sends a request with the caller's credentials (see RequestOptions) and answers the successful
 * response; problem+json errors are thrown as ApiError. `accept` is the Accept header's media type.
 */
async function exchange(method: Method, path: string, body: unknown, options: RequestOptions, accept: string): Promise<Response> {
  const { auth = true, bearer, timeoutMs } = options;
  const buildHeaders = (): Record<string, string> => {
    const headers: Record<string, string> = { Accept: `${accept}, application/problem+json` };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const token = bearer ?? (auth ? adminToken.value : null);
    if (token) headers.Authorization = `Bearer ${token}`;
    else if (method !== 'GET' && csrfToken.value) headers['X-CSRF-Token'] = csrfToken.value;
    return headers;
  };

  let res = await send(method, path, body, buildHeaders(), timeoutMs);

  // A cookie session whose CSRF token this tab lost or never had: fetch it once and retry.
  if (res.status === 403 && auth && !bearer && !adminToken.value && method !== 'GET') {
    const err = await toApiError(res);
    if (err.code !== 'auth.csrf' || !(await refreshCsrf())) throw err;
    res = await send(method, path, body, buildHeaders(), timeoutMs);
  }

  if (!res.ok) {
    const err = await toApiError(res);
    if (res.status === 401 && auth && !bearer && (err.code === null || EXPIRED_CODES.has(err.code))) {
      signOut(true, new ApiError(401, EXPIRED_MESSAGE, err.title, err.code, err.requestId));
    }
    throw err;
  }
  return res;
}

/** The one request helper: JSON in and out, problem+json errors as ApiError. 204 gives undefined. */
export async function request<T>(method: Method, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  const res = await exchange(method, path, body, options, 'application/json');
  if (res.status === 204) return undefined as T;
  try {
    return (await res.json()) as T;
  } catch {
    throw new ApiError(res.status, '服务器返回了无法解析的数据。');
  }
}

/** The same with bytes back (an image, a file): JSON in, a Blob out; errors as for request(). */
export async function requestBlob(method: Method, path: string, accept: string, body?: unknown, options: RequestOptions = {}): Promise<Blob> {
  const res = await exchange(method, path, body, options, accept);
  try {
    return await res.blob();
  } catch {
    throw new ApiError(0, '接收数据时连接中断，请重试。');
  }
}

/** Re-reads the session's CSRF token (GET /api/auth/me); false when there is no session. */
async function refreshCsrf(): Promise<boolean> {
  try {
    const who = await request<Me>('GET', '/api/auth/me', undefined, { auth: false });
    if (!who.csrf_token) return false;
    setSession(who, who.csrf_token);
    return true;
  } catch {
    return false;
  }
}

// ---- Authentication -------------------------------------------------------------------------

export interface LoginResponse {
  session_id: string;
  expires_ms: number;
  csrf_token: string;
  principal: Me;
}

/** GET /api/auth/me with the stored credentials (or the cookie); `auth: false` keeps a 401 from signing out. */
export function getMe(options: RequestOptions = {}): Promise<Me> {
  return request<Me>('GET', '/api/auth/me', undefined, options);
}

/** Staff password login; the kernel sets the HttpOnly session cookie. */
export function passwordLogin(username: string, password: string): Promise<LoginResponse> {
  return request<LoginResponse>('POST', '/api/auth/login', { username, password, mode: 'cookie' }, { auth: false });
}

/** Ends the cookie session (the CSRF header goes with it) and clears the cookie. */
export function logoutSession(): Promise<void> {
  return request<void>('POST', '/api/auth/logout', {}, { auth: false });
}

export interface SessionInfo {
  id: string;
  created_ms: number;
  last_seen_ms: number;
  expires_ms: number;
  client_ip: string;
  user_agent: string;
  current: boolean;
}

export async function listSessions(): Promise<SessionInfo[]> {
  const data = await request<{ sessions?: SessionInfo[] }>('GET', '/api/auth/sessions');
  return Array.isArray(data.sessions) ? data.sessions : [];
}

export function revokeSession(id: string): Promise<void> {
  return request<void>('DELETE', `/api/auth/sessions/${encodeURIComponent(id)}`);
}

/** Which login methods this platform offers (public). */
export interface AuthMethods {
  password: boolean;
  certificate: boolean;
  oidc: boolean;
}

export async function getAuthMethods(): Promise<AuthMethods> {
  const m = await request<Partial<AuthMethods>>('GET', '/api/auth/methods', undefined, { auth: false });
  return { password: m.password !== false, certificate: m.certificate === true, oidc: m.oidc === true };
}

/** A one-time nonce (64 hex digits) to sign for certificate login. */
export function certificateChallenge(): Promise<{ nonce: string; expires_ms: number }> {
  return request<{ nonce: string; expires_ms: number }>('POST', '/api/auth/cert/challenge', {}, { auth: false });
}

/** Certificate login: the chain (signer first, PEM), the nonce and the Base64 DER signature over its text. */
export function certificateLogin(chain: string[], nonce: string, signature: string): Promise<LoginResponse> {
  return request<LoginResponse>(
    'POST',
    '/api/auth/cert/login',
    { certificate_chain: chain, nonce, signature, mode: 'cookie' },
    { auth: false },
  );
}

/** Where 统一身份认证 starts: the kernel redirects to the upstream platform, which comes back to `next`. */
export function oidcStartUrl(next: string): string {
  return `/api/auth/oidc/start?next=${encodeURIComponent(next)}`;
}

// ---- My profile (GB/T 39046 fields), password, agents and mandates ----------------------------

export interface PersonProfile {
  id_type: string;
  id_number: string;
  name: string;
  gender_code: string;
  ethnicity: string;
  mobile: string;
  email: string;
  real_name_verified: boolean;
}

export interface LegalProfile {
  credit_code: string;
  name: string;
  legal_representative: string;
  registered_address: string;
  /** YYYY-MM-DD, or "" when unknown. */
  registered_date: string;
  business_scope: string;
}

export interface StaffProfile {
  username: string;
  display_name: string;
  org_unit_id: string;
  org_name: string;
  /** Where messages to the staff member go; absent from kernels that do not keep them. */
  mobile?: string;
  email?: string;
}

export type Profile =
  | { kind: 'person'; person: PersonProfile }
  | { kind: 'legal'; legal: LegalProfile }
  | { kind: 'staff'; staff: StaffProfile };

export type PersonChanges = Pick<PersonProfile, 'mobile' | 'email' | 'ethnicity'>;
export type LegalChanges = Pick<LegalProfile, 'legal_representative' | 'registered_address' | 'registered_date' | 'business_scope'>;
export type StaffChanges = { mobile: string; email: string };

export function getProfile(): Promise<Profile> {
  return request<Profile>('GET', '/api/auth/profile');
}

export function saveProfile(changes: PersonChanges | LegalChanges | StaffChanges): Promise<void> {
  return request<void>('PUT', '/api/auth/profile', changes);
}

/** Staff: change my password; the kernel ends my other sessions. */
export function changePassword(current: string, next: string): Promise<void> {
  return request<void>('POST', '/api/auth/password', { current_password: current, new_password: next });
}

/** A natural person a legal person has authorised (经办人). */
export interface Agent {
  id_number: string;
  name: string;
  /** Item codes, or ["*"] for every item. */
  scope: string[];
  valid_until_ms: number;
  granted_at?: string;
}

export async function listAgents(): Promise<Agent[]> {
  const data = await request<{ agents?: Agent[] }>('GET', '/api/auth/legal/agents');
  return Array.isArray(data.agents) ? data.agents : [];
}

export function authoriseAgent(idNumber: string, scope: string[], validDays: number): Promise<void> {
  return request<void>('POST', '/api/auth/legal/agents', { id_number: idNumber, scope, valid_days: validDays });
}

export function revokeAgent(idNumber: string): Promise<void> {
  return request<void>('DELETE', `/api/auth/legal/agents/${encodeURIComponent(idNumber)}`);
}

/** A legal person I may act for (代办). */
export interface Mandate {
  legal_person_id: string;
  name: string;
  credit_code: string;
  scope: string[];
  valid_until_ms: number;
}

export async function listMandates(): Promise<Mandate[]> {
  const data = await request<{ mandates?: Mandate[] }>('GET', '/api/auth/mandates');
  return Array.isArray(data.mandates) ? data.mandates : [];
}

/** Act for the legal person (its id), or null to act as myself again. */
export function actFor(legalPersonId: string | null): Promise<void> {
  return request<void>('POST', '/api/auth/act-for', { legal_person_id: legalPersonId });
}

// ---- Administration -------------------------------------------------------------------------

export type OrgLevel = 'national' | 'province' | 'city' | 'county' | 'department';

export interface OrgUnit {
  id: string;
  parent_id: string | null;
  level: OrgLevel | string;
  name: string;
  division_code: string;
  path: string;
}

export interface NewOrgUnit {
  parent_id: string | null;
  level: OrgLevel;
  name: string;
  division_code?: string;
}

export async function listOrgUnits(): Promise<OrgUnit[]> {
  const data = await request<{ org_units?: OrgUnit[] }>('GET', '/api/admin/org-units');
  return Array.isArray(data.org_units) ? data.org_units : [];
}

export function createOrgUnit(unit: NewOrgUnit): Promise<{ id: string }> {
  return request<{ id: string }>('POST', '/api/admin/org-units', unit);
}

export interface Account {
  id: string;
  kind: 'staff' | 'person' | string;
  username: string | null;
  display_name: string;
  org_unit_id: string | null;
  disabled: boolean;
}

export interface NewStaff {
  username: string;
  display_name: string;
  password: string;
  org_unit_id: string;
}

export async function listAccounts(): Promise<Account[]> {
  const data = await request<{ accounts?: Account[] }>('GET', '/api/admin/accounts');
  return Array.isArray(data.accounts) ? data.accounts : [];
}

export function createStaff(staff: NewStaff): Promise<{ id: string }> {
  return request<{ id: string }>('POST', '/api/admin/staff', staff);
}

/** 停用 (its sessions end) or 启用 an account. */
export function setAccountDisabled(id: string, disabled: boolean): Promise<void> {
  return request<void>('POST', `/api/admin/accounts/${encodeURIComponent(id)}/${disabled ? 'disable' : 'enable'}`, {});
}

/** A live session of any account (会话管理). */
export interface LiveSession {
  id: string;
  account_id: string;
  display_name: string;
  kind: string;
  created_ms: number;
  last_seen_ms: number;
  expires_ms: number;
  client_ip: string;
  user_agent: string;
}

export async function listAllSessions(): Promise<LiveSession[]> {
  const data = await request<{ sessions?: LiveSession[] }>('GET', '/api/admin/sessions');
  return Array.isArray(data.sessions) ? data.sessions : [];
}

/** 强制下线: ends another account's session. */
export function endSession(id: string): Promise<void> {
  return request<void>('DELETE', `/api/admin/sessions/${encodeURIComponent(id)}`);
}

export interface Role {
  name: string;
  title: string;
  built_in: boolean;
  permissions: string[];
}

export interface PermissionInfo {
  name: string;
  /** "METHOD /path" of every route that needs it. */
  routes: string[];
}

export async function listRoles(): Promise<Role[]> {
  const data = await request<{ roles?: Role[] }>('GET', '/api/admin/roles');
  return Array.isArray(data.roles) ? data.roles : [];
}

export function saveRole(name: string, title: string, permissions: string[]): Promise<void> {
  return request<void>('PUT', `/api/admin/roles/${encodeURIComponent(name)}`, { title, permissions });
}

export async function listPermissions(): Promise<PermissionInfo[]> {
  const data = await request<{ permissions?: PermissionInfo[] }>('GET', '/api/admin/permissions');
  return Array.isArray(data.permissions) ? data.permissions : [];
}

export interface Assignment {
  account_id: string;
  role: string;
  org_unit_id: string;
}

export function assignRole(a: Assignment): Promise<void> {
  return request<void>('POST', '/api/admin/assignments', a);
}

export function revokeRole(a: Assignment): Promise<void> {
  return request<void>('POST', '/api/admin/assignments/revoke', a);
}

// ---- Audit log ------------------------------------------------------------------------------

export interface AuditHead {
  size: number;
  root: string;
  hash: string;
}

export interface AuditEntry {
  seq: number;
  /** ISO 8601 UTC with milliseconds, e.g. 2026-11-27T03:42:58.123Z. */
  at: string;
  actor: string;
  actor_kind: string;
  org_unit: string;
  action: string;
  object_type: string;
  object_id: string;
  outcome: string;
  client_ip: string;
  request_id: string;
  leaf_hash: string;
}

/** The filters of GET /api/audit/entries and /export; empty ones are left out. */
export interface AuditFilter {
  actor?: string;
  action?: string;
  object_type?: string;
  object_id?: string;
  /** ISO 8601 UTC bounds, compared with `at` as text. */
  from?: string;
  to?: string;
}

export interface InclusionProof {
  seq: number;
  size: number;
  root: string;
  path: string[];
}

function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const text = q.toString();
  return text ? `?${text}` : '';
}

export function getAuditHead(): Promise<AuditHead> {
  return request<AuditHead>('GET', '/api/audit/head');
}

/** Entries newest first; `before` is a seq (exclusive) for the next page. */
export async function listAuditEntries(filter: AuditFilter, before?: number, limit = 50): Promise<AuditEntry[]> {
  const data = await request<{ entries?: AuditEntry[] }>('GET', `/api/audit/entries${query({ ...filter, before, limit })}`);
  return Array.isArray(data.entries) ? data.entries : [];
}

export function getInclusionProof(seq: number, size: number): Promise<InclusionProof> {
  return request<InclusionProof>('GET', `/api/audit/proofs/inclusion${query({ seq, size })}`);
}

/** The CSV export of the same filters (UTF-8 with BOM; the kernel audits the export itself). */
export function auditExportUrl(filter: AuditFilter): string {
  return `/api/audit/export${query({ ...filter })}`;
}

/** The export fetched with the admin token (a plain link cannot send it), as a file to save. */
export async function fetchAuditExport(filter: AuditFilter): Promise<Blob> {
  const res = await send('GET', auditExportUrl(filter), undefined, {
    Accept: 'text/csv, application/problem+json',
    ...(adminToken.value ? { Authorization: `Bearer ${adminToken.value}` } : {}),
  });
  if (!res.ok) throw await toApiError(res);
  return res.blob();
}

// ---- Plugins and API docs -------------------------------------------------------------------

export async function listPlugins(): Promise<PluginInfo[]> {
  const data = await request<{ plugins?: PluginInfo[] }>('GET', '/api/admin/plugins');
  return Array.isArray(data.plugins) ? data.plugins : [];
}

export function reloadPlugin(name: string): Promise<PluginInfo> {
  return request<PluginInfo>('POST', `/api/admin/plugins/${encodeURIComponent(name)}/reload`, {});
}

/** A JSON Schema (draft-07 subset as the kernel emits it); read defensively. */
export type JsonSchema = Record<string, unknown>;

/** The parts of the kernel's OpenAPI 3.1 document that the console reads. */
export interface OpenApiDocument {
  openapi?: string;
  info?: { title?: string; version?: string; description?: string };
  paths?: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

export const OPENAPI_URL = '/api/openapi.json';

/** The platform's OpenAPI document (public: sent without the admin token). */
export async function getOpenApi(): Promise<OpenApiDocument> {
  const doc = await request<unknown>('GET', OPENAPI_URL, undefined, { auth: false });
  const paths = doc && typeof doc === 'object' ? (doc as OpenApiDocument).paths : null;
  if (!paths || typeof paths !== 'object') throw new ApiError(0, '接口文档格式无法识别（缺少 paths）。');
  return doc as OpenApiDocument;
}

// ---- 统一信息平台: my messages and subscriptions, sending, deliveries ----------------------------

/** One message in my inbox (GET /api/messages); `seq` orders the inbox and pages it. */
export interface InboxMessage {
  seq: number;
  id: string;
  topic: string;
  title: string;
  body: string;
  /** A path of this site ("/content/…"), or "". */
  link: string;
  sender: string;
  /** ISO 8601 UTC. */
  created_at: string;
  read_at: string | null;
}

export interface Inbox {
  messages: InboxMessage[];
  /** How many of all my messages are unread. */
  unread: number;
}

/** My messages newest first; `before` is a seq (exclusive) for the next page. */
export async function listMessages(unreadOnly: boolean, before?: number, limit = 20): Promise<Inbox> {
  const data = await request<Partial<Inbox>>(
    'GET',
    `/api/messages${query({ unread: unreadOnly ? 1 : undefined, before, limit })}`,
  );
  return { messages: Array.isArray(data.messages) ? data.messages : [], unread: Number(data.unread ?? 0) };
}

export function markMessageRead(id: string): Promise<void> {
  return request<void>('POST', `/api/messages/${encodeURIComponent(id)}/read`, {});
}

export async function markAllMessagesRead(): Promise<number> {
  const data = await request<{ marked?: number }>('POST', '/api/messages/read-all', {});
  return Number(data.marked ?? 0);
}

/** The live stream of my inbox (Server-Sent Events with the session cookie). */
export const MESSAGE_STREAM_URL = '/api/messages/stream';

export type Channel = 'inbox' | 'email' | 'sms';

export interface Subscription {
  topic: string;
  channels: Channel[];
  created_at: string;
}

export async function listSubscriptions(): Promise<Subscription[]> {
  const data = await request<{ subscriptions?: Subscription[] }>('GET', '/api/messages/subscriptions');
  return Array.isArray(data.subscriptions) ? data.subscriptions : [];
}

/** Subscribes to a topic ("content.notice", or "content.*" for a family), or changes its channels. */
export function subscribe(topic: string, channels: Channel[]): Promise<void> {
  return request<void>('PUT', '/api/messages/subscriptions', { topic, channels });
}

export function unsubscribe(topic: string): Promise<void> {
  return request<void>('DELETE', `/api/messages/subscriptions/${encodeURIComponent(topic)}`);
}

export type RecipientKind = 'account' | 'org_unit' | 'role';

export interface OutgoingMessage {
  to: { kind: RecipientKind; id: string; org_unit_id?: string };
  topic?: string;
  title: string;
  body?: string;
  link?: string;
  channels?: ('email' | 'sms')[];
}

/** Who a sender may address (GET /api/messages/directory, for messages.send). */
export interface DirectoryAccount {
  id: string;
  display_name: string;
  org_name: string | null;
}

export interface DirectoryOrgUnit {
  id: string;
  name: string;
  level: OrgLevel | string;
  /** The ids from the root down to this unit: "/<root>/<child>/…/<id>/". */
  path: string;
}

export interface DirectoryRole {
  name: string;
  title: string;
}

export interface MessageDirectory {
  /** Enabled staff accounts. */
  accounts: DirectoryAccount[];
  org_units: DirectoryOrgUnit[];
  roles: DirectoryRole[];
}

export async function getMessageDirectory(): Promise<MessageDirectory> {
  const d = await request<Partial<MessageDirectory>>('GET', '/api/messages/directory');
  return {
    accounts: Array.isArray(d.accounts) ? d.accounts : [],
    org_units: Array.isArray(d.org_units) ? d.org_units : [],
    roles: Array.isArray(d.roles) ? d.roles : [],
  };
}

export function sendMessage(message: OutgoingMessage): Promise<{ id: string }> {
  return request<{ id: string }>('POST', '/api/admin/messages', message);
}

export type DeliveryStatus = 'queued' | 'sent' | 'failed' | 'no_address' | 'unconfigured';

export interface DeliveryAttempt {
  attempt: number;
  at: string;
  outcome: 'sent' | 'failed' | string;
  detail: string;
}

export interface Delivery {
  id: string;
  message_id: string;
  account_id: string;
  /** The recipient's display name. */
  account_name: string;
  channel: 'email' | 'sms' | string;
  address: string;
  status: DeliveryStatus | string;
  attempts: number;
  last_error: string;
  title: string;
  created_at: string;
  attempt_log: DeliveryAttempt[];
}

export async function listDeliveries(status: string, messageId: string, limit = 100): Promise<Delivery[]> {
  const data = await request<{ deliveries?: Delivery[] }>(
    'GET',
    `/api/admin/deliveries${query({ status, message_id: messageId, limit })}`,
  );
  return Array.isArray(data.deliveries) ? data.deliveries : [];
}

// ---- 统一内容管理: the publication workflow, public pages and search ---------------------------

export type PublicationType = 'notice' | 'policy' | 'guide' | 'power_list' | 'faq';
export type PublicationState = 'unpublished' | 'scheduled' | 'published' | 'withdrawn';
export type ReviewState = 'draft' | 'submitted' | 'approved' | 'rejected';

/** An uploaded file as a version lists it (the bytes are in the blob store under `sm3`). */
export interface AttachmentRef {
  name: string;
  sm3: string;
  size: number;
  content_type: string;
}

/** A publication with its latest version's title, summary and review state. */
export interface Publication {
  id: string;
  type: PublicationType | string;
  type_label: string;
  state: PublicationState | string;
  org_unit_id: string | null;
  latest_version: number;
  published_version: number | null;
  publish_at: string | null;
  withdraw_at: string | null;
  published_at: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  title: string;
  summary: string;
  review_state: ReviewState | string;
}

export interface VersionInfo {
  version: number;
  title: string;
  author: string;
  /** Display names beside the ids; null when the account is gone. */
  author_name: string | null;
  created_at: string;
  review_state: ReviewState | string;
  reviewer: string | null;
  reviewer_name: string | null;
  review_note: string | null;
  reviewed_at: string | null;
}

export interface ReviewRecord {
  version: number;
  decision: 'approved' | 'rejected' | string;
  reviewer: string;
  reviewer_name: string | null;
  note: string;
  at: string;
}

export interface PublicationDetail extends Publication {
  versions: VersionInfo[];
  reviews: ReviewRecord[];
}

export interface PublicationVersion {
  id: string;
  version: number;
  title: string;
  summary: string;
  markdown: string;
  /** Rendered and sanitised by the kernel (cmark-gfm safe mode). */
  html: string;
  attachments: AttachmentRef[];
  author: string;
  created_at: string;
  review_state: ReviewState | string;
  review_note: string | null;
}

/** What a draft holds: the fields of POST /api/content/publications and PUT …/draft. */
export interface DraftFields {
  title: string;
  summary: string;
  markdown: string;
  attachments: AttachmentRef[];
}

export async function listPublications(type: string, state: string, offset: number, limit: number): Promise<Publication[]> {
  const data = await request<{ publications?: Publication[] }>(
    'GET',
    `/api/content/publications${query({ type, state, offset, limit })}`,
  );
  return Array.isArray(data.publications) ? data.publications : [];
}

export function createPublication(type: PublicationType, fields: DraftFields): Promise<{ id: string; version: number }> {
  return request<{ id: string; version: number }>('POST', '/api/content/publications', { type, ...fields });
}

export async function getPublication(id: string): Promise<PublicationDetail> {
  const p = await request<PublicationDetail>('GET', `/api/content/publications/${encodeURIComponent(id)}`);
  return { ...p, versions: Array.isArray(p.versions) ? p.versions : [], reviews: Array.isArray(p.reviews) ? p.reviews : [] };
}

export async function getPublicationVersion(id: string, version: number): Promise<PublicationVersion> {
  const v = await request<PublicationVersion>('GET', `/api/content/publications/${encodeURIComponent(id)}/versions/${version}`);
  return { ...v, attachments: Array.isArray(v.attachments) ? v.attachments : [] };
}

/** Saves the draft (or, after an approval, starts the next version); answers the version number. */
export function saveDraft(id: string, fields: DraftFields): Promise<{ version: number }> {
  return request<{ version: number }>('PUT', `/api/content/publications/${encodeURIComponent(id)}/draft`, fields);
}

export function submitForReview(id: string): Promise<void> {
  return request<void>('POST', `/api/content/publications/${encodeURIComponent(id)}/submit`, {});
}

export interface ReviewDecision {
  decision: 'approve' | 'reject';
  note?: string;
  /** UTC ISO 8601; absent: publish now. */
  publish_at?: string;
  withdraw_at?: string;
}

export function reviewPublication(id: string, decision: ReviewDecision): Promise<void> {
  return request<void>('POST', `/api/content/publications/${encodeURIComponent(id)}/review`, decision);
}

/** 撤回 now, or at `at` (UTC ISO 8601). */
export function withdrawPublication(id: string, at?: string): Promise<void> {
  return request<void>('POST', `/api/content/publications/${encodeURIComponent(id)}/withdraw${query({ at })}`, {});
}

/** The HTML the kernel will publish for this Markdown (rendered and sanitised there). */
export async function previewMarkdown(markdown: string): Promise<string> {
  const data = await request<{ html?: string }>('POST', '/api/content/preview', { markdown });
  return typeof data.html === 'string' ? data.html : '';
}

export function uploadAttachment(name: string, contentType: string, dataBase64: string): Promise<AttachmentRef> {
  return request<AttachmentRef>('POST', '/api/content/attachments', { name, content_type: contentType, data_base64: dataBase64 });
}

/** A staff download of any version's attachment (a plain link works with the session cookie). */
export function staffAttachmentUrl(id: string, sm3: string): string {
  return `/api/content/publications/${encodeURIComponent(id)}/attachments/${encodeURIComponent(sm3)}`;
}

/** The same download with the admin token, which a plain link cannot send. */
export async function fetchStaffAttachment(id: string, sm3: string): Promise<Blob> {
  const res = await send('GET', staffAttachmentUrl(id, sm3), undefined, {
    Accept: '*/*',
    ...(adminToken.value ? { Authorization: `Bearer ${adminToken.value}` } : {}),
  });
  if (!res.ok) throw await toApiError(res);
  return res.blob();
}

export interface PublicEntry {
  id: string;
  type: PublicationType | string;
  type_label: string;
  published_at: string;
  title: string;
  summary: string;
}

export interface PublicArticle extends PublicEntry {
  version: number;
  /** Rendered and sanitised by the kernel (cmark-gfm safe mode). */
  html: string;
  attachments: AttachmentRef[];
}

/** Published content, newest first (public: a stale login does not sign out). */
export async function listPublic(type: string, offset: number, limit: number): Promise<PublicEntry[]> {
  const data = await request<{ publications?: PublicEntry[] }>(
    'GET',
    `/api/content/public${query({ type, offset, limit })}`,
    undefined,
    { auth: false },
  );
  return Array.isArray(data.publications) ? data.publications : [];
}

export async function getPublic(id: string): Promise<PublicArticle> {
  const a = await request<PublicArticle>('GET', `/api/content/public/${encodeURIComponent(id)}`, undefined, { auth: false });
  return { ...a, attachments: Array.isArray(a.attachments) ? a.attachments : [] };
}

export function publicAttachmentUrl(id: string, sm3: string): string {
  return `/api/content/public/${encodeURIComponent(id)}/attachments/${encodeURIComponent(sm3)}`;
}

export interface SearchHit {
  owner: string;
  id: string;
  kind: string;
  title: string;
  /** Where the web UI shows it, e.g. /content/<id>. */
  url: string;
  /** Plain text around the matches. */
  snippet: string;
  score: number;
}

export interface SearchResults {
  total: number;
  hits: SearchHit[];
}

/** 检索 (public): `facet` is "name:value", e.g. "type:notice". */
export async function search(q: string, kind: string, offset: number, limit: number, facet = ''): Promise<SearchResults> {
  const data = await request<Partial<SearchResults>>(
    'GET',
    `/api/search${query({ q, kind, facet, offset, limit })}`,
    undefined,
    { auth: false },
  );
  return { total: Number(data.total ?? 0), hits: Array.isArray(data.hits) ? data.hits : [] };
}

// ---- 电子印章 and 签名验证 (trust services) ------------------------------------------------------

export type SealKind = 'organisation' | 'personal_name';
export type SealStatus = 'active' | 'suspended' | 'revoked';

/** An electronic seal (电子印章) as the kernel keeps it; times are ISO 8601 UTC. */
export interface Seal {
  id: string;
  /** 印章编码 (GM/T 0031 esID). */
  es_id: string;
  kind: SealKind | string;
  name: string;
  organization: string;
  credit_code: string;
  /** The staff member a personal name seal (个人名章) belongs to; null for organisation seals. */
  owner: { account_id: string; display_name: string } | null;
  status: SealStatus | string;
  status_reason: string;
  status_changed_at: string | null;
  valid_start: string;
  valid_end: string;
  created_at: string;
  created_by: string;
  picture_source: 'drawn' | 'uploaded' | string;
  width_mm: number;
  height_mm: number;
  signer_certificate: { common_name: string; serial: string; not_after: string } | null;
  /** How many times it has been used to sign (盖章). */
  uses: number;
}

export type SealPicture = { source: 'drawn' } | { source: 'uploaded'; png_base64: string };

/** POST /api/admin/seals: credit_code for organisation seals, owner_account_id for personal name seals. */
export interface NewSeal {
  kind: SealKind;
  name: string;
  organization: string;
  credit_code?: string;
  owner_account_id?: string;
  /** 1..3650 days. */
  valid_days: number;
  picture: SealPicture;
}

/** One line of a seal's history, from the audit log. */
export interface SealUse {
  at: string;
  actor: string;
  action: 'seal.used' | 'seal.made' | 'seal.suspended' | 'seal.resumed' | 'seal.revoked' | string;
  detail: string;
}

export type SealStatusChange = 'suspend' | 'resume' | 'revoke';

/** What signing with a seal gives: the DER SES_Signature (GB/T 38540) and the document's SM3 digest. */
export interface SealSignResult {
  signature_base64: string;
  document_sm3: string;
  time_stamp: Record<string, unknown> | null;
}

/** One check of a verification; ok null: not checked or not applicable. */
export interface VerificationCheck {
  name: string;
  ok: boolean | null;
  detail: string;
}

/** The answer of POST /api/trust/verify (a bad signature is a report with ok false, not an error). */
export interface VerificationReport {
  ok: boolean;
  kind: 'cms' | 'seal' | string;
  code: string;
  message: string;
  signer: {
    common_name: string;
    organization: string;
    serial_number: string;
    key_algorithm: string;
    not_before: string;
    not_after: string;
  } | null;
  signed_at: string | null;
  time_stamp: { ok: boolean; time: string; tsa: string; detail: string } | null;
  seal: { es_id: string; name: string; kind: string; status: string } | null;
  checks: VerificationCheck[];
}

/** Sending a document of up to 20 MB (as Base64) takes longer than an ordinary request. */
const UPLOAD_TIMEOUT_MS = 180_000;

const sealPath = (id: string) => `/api/admin/seals/${encodeURIComponent(id)}`;

export async function listSeals(status: string, kind: string): Promise<Seal[]> {
  const data = await request<{ items?: Seal[] }>('GET', `/api/admin/seals${query({ status, kind })}`);
  return Array.isArray(data.items) ? data.items : [];
}

export function makeSeal(seal: NewSeal): Promise<Seal> {
  return request<Seal>('POST', '/api/admin/seals', seal);
}

/** The picture the kernel would draw for these words (PNG), for the live preview. */
export function previewSealPicture(kind: SealKind, name: string, organization: string): Promise<Blob> {
  return requestBlob('POST', '/api/admin/seals/preview', 'image/png', { kind, name, organization });
}

export function getSeal(id: string): Promise<Seal> {
  return request<Seal>('GET', sealPath(id));
}

/** The seal's picture (PNG), fetched with the caller's credentials (an <img> cannot send the admin token). */
export function fetchSealPicture(id: string): Promise<Blob> {
  return requestBlob('GET', `${sealPath(id)}/picture`, 'image/png');
}

/** The picture of one of my own name seals (no seals.read needed). */
export function fetchMySealPicture(id: string): Promise<Blob> {
  return requestBlob('GET', `/api/seals/${encodeURIComponent(id)}/picture`, 'image/png');
}

/** 停用, 恢复启用 or 注销 (irreversible), each with the reason the audit log keeps. */
export function changeSealStatus(id: string, change: SealStatusChange, reason: string): Promise<Seal> {
  return request<Seal>('POST', `${sealPath(id)}/${change}`, { reason });
}

export async function listSealUses(id: string): Promise<SealUse[]> {
  const data = await request<{ items?: SealUse[] }>('GET', `${sealPath(id)}/uses`);
  return Array.isArray(data.items) ? data.items : [];
}

/** The staff accounts that may hold a personal name seal (seals.manage). */
export async function getSealOwners(): Promise<DirectoryAccount[]> {
  const d = await request<{ accounts?: DirectoryAccount[] }>('GET', '/api/admin/seal-owners');
  return Array.isArray(d.accounts) ? d.accounts : [];
}

/** My personal name seals (个人名章). */
export async function listMySeals(): Promise<Seal[]> {
  const data = await request<{ items?: Seal[] }>('GET', '/api/seals/mine');
  return Array.isArray(data.items) ? data.items : [];
}

/** Signs (盖章) a document with my personal name seal. */
export function signWithSeal(id: string, documentBase64: string, fileName: string): Promise<SealSignResult> {
  return request<SealSignResult>(
    'POST',
    `/api/seals/${encodeURIComponent(id)}/sign`,
    { document_base64: documentBase64, file_name: fileName },
    { timeoutMs: UPLOAD_TIMEOUT_MS },
  );
}

/** 签名验证 (public): a CMS (.p7s) or seal (.ses) signature over the document. */
export function verifySignature(signatureBase64: string, documentBase64: string): Promise<VerificationReport> {
  return request<VerificationReport>(
    'POST',
    '/api/trust/verify',
    { signature_base64: signatureBase64, document_base64: documentBase64 },
    { auth: false, timeoutMs: UPLOAD_TIMEOUT_MS },
  );
}

/** 文件签名 step 1: the DER signed attributes (Base64) the applicant's key signs for this document and certificate. */
export async function prepareSignature(documentBase64: string, certificatePem: string): Promise<string> {
  const data = await request<{ signed_attributes_base64?: string }>(
    'POST',
    '/api/trust/signatures/prepare',
    { document_base64: documentBase64, certificate_pem: certificatePem },
    { timeoutMs: UPLOAD_TIMEOUT_MS },
  );
  if (typeof data.signed_attributes_base64 !== 'string' || !data.signed_attributes_base64) {
    throw new ApiError(200, '服务器没有返回待签名的数据。');
  }
  return data.signed_attributes_base64;
}

/**
 * 文件签名 step 2: the signature value (Base64 DER) over those attributes and the chain (signer first,
 * PEM) in; the kernel assembles, verifies and time-stamps the detached CMS SignedData (Base64 DER).
 */
export async function completeSignature(
  documentBase64: string,
  signedAttributesBase64: string,
  signatureBase64: string,
  chain: string[],
): Promise<string> {
  const data = await request<{ signature_base64?: string }>(
    'POST',
    '/api/trust/signatures/complete',
    {
      document_base64: documentBase64,
      signed_attributes_base64: signedAttributesBase64,
      signature_base64: signatureBase64,
      certificate_chain: chain,
    },
    { timeoutMs: UPLOAD_TIMEOUT_MS },
  );
  if (typeof data.signature_base64 !== 'string' || !data.signature_base64) throw new ApiError(201, '服务器没有返回签名数据。');
  return data.signature_base64;
}
