import { adminToken, clearAdminToken } from './auth';

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

/** An RFC 9457 problem (application/problem+json) or a transport failure. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string | null;
  readonly requestId: string | null;
  readonly title: string;

  constructor(status: number, detail: string, title = '', code: string | null = null, requestId: string | null = null) {
    super(detail);
    this.name = 'ApiError';
    this.status = status;
    this.title = title;
    this.code = code;
    this.requestId = requestId;
  }
}

const TIMEOUT_MS = 20_000;

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
  );
}

interface RequestOptions {
  /** Send the admin token (default). Public endpoints pass false, so a stale token does not log out. */
  auth?: boolean;
}

async function request<T>(
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  { auth = true }: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json' };
  if (auth && adminToken.value) headers.Authorization = `Bearer ${adminToken.value}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';

  const ctrl = new AbortController();
  const timer = window.setTimeout(() => ctrl.abort(), TIMEOUT_MS);
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: ctrl.signal,
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch (e) {
    const timedOut = e instanceof DOMException && e.name === 'AbortError';
    throw new ApiError(0, timedOut ? '服务器响应超时，请稍后重试。' : '无法连接服务器，请检查网络后重试。');
  } finally {
    window.clearTimeout(timer);
  }

  if (!res.ok) {
    const err = await toApiError(res);
    if (auth && res.status === 401) clearAdminToken();
    throw err;
  }
  try {
    return (await res.json()) as T;
  } catch {
    throw new ApiError(res.status, '服务器返回了无法解析的数据。');
  }
}

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
