// 事项管理 (the items plugin's service-item catalogue, /api/items) as the console pages use it: the
// typed requests of its staff API (records, versions, diffs, drafts, review, retirement, change
// reports, export and import), the Chinese names of the GB/T 39046 annex A code tables and of the
// catalogue's own codes, the fields of base entries, implementations and bundles, and the
// formatting of limits, JSON Pointers and form schemas, and the files materials and results refer to
// (空白表格, 示例样表, 结果样本: uploaded once, referred to by SM3). Stable codes go to the API; people see Chinese.
import { reactive } from 'vue';
import { ApiError, request as kernelRequest, requestBlob as kernelRequestBlob } from './api';
import { can } from './auth';
import type { SchemaNode } from './openapi';

const ROOT = '/api/items';

/** The kernel answers request.no_route when the items plugin is not loaded: say so in words people can act on. */
function unloaded(e: unknown): never {
  if (e instanceof ApiError && e.code === 'request.no_route') {
    throw new ApiError(e.status, '事项管理插件（items）没有启用或没有加载，请在“插件管理”中查看。', e.title, e.code, e.requestId);
  }
  throw e;
}

function request<T>(...args: Parameters<typeof kernelRequest>): Promise<T> {
  return kernelRequest<T>(...args).catch(unloaded);
}
function requestBlob(...args: Parameters<typeof kernelRequestBlob>): Promise<Blob> {
  return kernelRequestBlob(...args).catch(unloaded);
}

// ---- Codes and their Chinese names ------------------------------------------------------------

export interface CodeLabel {
  value: string;
  label: string;
}

/** A code table from its "code 名称" pairs, separated by commas (the names hold no spaces). */
function codes(pairs: string): CodeLabel[] {
  return pairs.split(',').map((pair) => {
    const [value, label] = pair.trim().split(' ');
    return { value, label };
  });
}

/** GB/T 39046 table A.1 事项类型. */
export const ITEM_TYPES = codes(
  '00 行政权力事项, 01 行政许可, 02 行政处罚, 03 行政强制, 04 行政征收, 05 行政给付, 06 行政检查, 07 行政确认, 08 行政奖励, 09 行政裁决, 10 其他类别, 20 公共服务事项',
);

/** Table A.2 行使层级. */
export const EXERCISE_LEVELS = codes('1 国家级, 2 省级, 3 市级, 4 县级, 5 镇（乡、街道）级, 6 村（社区）级, 7 分级管理');

/** Table A.3 实施主体性质. */
export const BODY_NATURES = codes('1 法定机关, 2 授权组织, 3 受委托组织, 9 其他');

/** Table A.4 服务对象. */
export const SERVICE_OBJECTS = codes('1 自然人, 2 企业法人, 3 事业法人, 4 社会组织法人, 5 行政机关, 6 其他组织');

/** Table A.5 办理形式. */
export const HANDLING_FORMS = codes('1 窗口办理, 2 电脑端网上办理, 3 移动端网上申请, 4 快递申请, 9 其他');

/** Table A.6 办件类型. */
export const CASE_TYPES = codes('1 即办件, 2 承诺件, 9 其他');

export type ItemKind = 'base' | 'implementation' | 'bundle';

export const ITEM_KINDS: { value: ItemKind; label: string }[] = [
  { value: 'base', label: '基本目录' },
  { value: 'implementation', label: '实施清单' },
  { value: 'bundle', label: '一件事' },
];

export type VersionStatus = 'draft' | 'review' | 'published' | 'retired';

/** A version's (or record's) state; `tone` picks the badge colour (the .badge-* classes). */
export const ITEM_STATUSES: Record<VersionStatus, { label: string; tone: string }> = {
  draft: { label: '草稿', tone: 'stopped' },
  review: { label: '待审核', tone: 'reloading' },
  published: { label: '已发布', tone: 'started' },
  retired: { label: '已停用', tone: 'refused' },
};

export const ITEM_LEVELS = codes('national 国家级, province 省级, city 市级, county 县级');

/** Archive rules: 保管期限 and 存储期限 take the same codes. */
export const RETENTIONS = codes('permanent 永久, 30y 30年, 10y 10年');

export const MATERIAL_KINDS = codes('application 申请材料, process 过程材料, result 结果材料');

/** 利用权限 (our codes: the reference names none). */
export const USE_PERMISSIONS = codes('public 公开, internal 内部, restricted 受限');

export const LIMIT_UNITS = codes('working_day 工作日, natural_day 自然日, month 个月');

export const AUDIENCES = codes('person 自然人, legal 法人, both 自然人和法人');

export const RESULT_KINDS = codes('certificate 证照, approval_document 批准文书, other 其他');

/** The `x-ui` widgets of a form schema. */
const WIDGETS: Record<string, string> = {
  text: '单行文本',
  textarea: '多行文本',
  idcard: '公民身份号码',
  mobile: '手机号码',
  email: '电子邮箱',
  date: '日期',
  number: '数字',
  radio: '单选',
  select: '下拉选择',
  checkbox: '多选',
  file: '文件',
};

/** The Chinese name of a code in one of the tables above, or the code itself. */
export function labelOf(table: CodeLabel[], code: unknown): string {
  if (code === null || code === undefined || code === '') return '—';
  const c = String(code);
  return table.find((t) => t.value === c)?.label ?? c;
}

export function labelsOf(table: CodeLabel[], codes: unknown): string {
  return Array.isArray(codes) && codes.length ? codes.map((c) => labelOf(table, c)).join('、') : '—';
}

export const kindLabel = (kind: string) => labelOf(ITEM_KINDS, kind);
export const levelLabel = (level: string | null | undefined) => labelOf(ITEM_LEVELS, level);

export function statusLabel(status: string): string {
  return ITEM_STATUSES[status as VersionStatus]?.label ?? status;
}

export function statusTone(status: string): string {
  return ITEM_STATUSES[status as VersionStatus]?.tone ?? 'unknown';
}

// ---- Fields ---------------------------------------------------------------------------------

/** 统一字段: set by the base entry only, the same nationwide. */
export const UNIFIED_FIELDS = [
  'name',
  'item_type',
  'legal_basis',
  'service_objects',
  'case_type',
  'statutory_limit',
  'acceptance_conditions',
  'result',
  'themes',
  'audience',
  'materials',
] as const;

/** 本地字段: an implementation's own. */
export const LOCAL_FIELDS = [
  'exercise_level',
  'body',
  'promised_limit',
  'fees',
  'handling_forms',
  'online',
  'address',
  'hours',
  'consultation',
  'complaint',
  'process',
  'local_materials',
  'form_schema',
  'faq',
] as const;

export const BUNDLE_FIELDS = ['name', 'theme', 'audience', 'members', 'form', 'materials'] as const;

/** Field and member names, for diffs, change reports and error lists. */
const FIELD_LABELS: Record<string, string> = {
  // unified
  name: '事项名称',
  item_type: '事项类型',
  legal_basis: '设定依据',
  service_objects: '服务对象',
  case_type: '办件类型',
  statutory_limit: '法定办结时限',
  acceptance_conditions: '受理条件',
  result: '办理结果',
  themes: '服务主题',
  audience: '面向对象',
  materials: '申请材料',
  // local
  exercise_level: '行使层级',
  body: '实施主体',
  promised_limit: '承诺办结时限',
  fees: '收费',
  handling_forms: '办理形式',
  online: '网上办理',
  address: '办理地点',
  hours: '办理时间',
  consultation: '咨询方式',
  complaint: '监督投诉方式',
  process: '办理流程',
  local_materials: '本地材料',
  form_schema: '申请表单',
  faq: '常见问题',
  // bundle
  theme: '主题',
  members: '成员事项',
  form: '合并表单',
  // the record
  effective_from: '生效日期',
  code: '编码',
  basic_code: '基本编码',
  implementation_code: '实施编码',
  bundle_code: '一件事编码',
  level: '层级',
  division_code: '行政区划代码',
  department: '实施部门',
  kind: '类别',
  fields: '内容',
  // members of the above
  value: '时限',
  unit: '单位',
  note: '说明',
  title: '名称',
  article: '条款',
  issuing_body: '出具机构',
  originals: '原件份数',
  copies: '复印件份数',
  mandatory: '是否必备',
  blank_form: '空白表格',
  sample: '示例样表',
  archive: '归档规则',
  archived: '是否归档',
  retention: '保管期限',
  use_permission: '利用权限',
  storage_term: '存储期限',
  replaceable_by_certificate: '可用电子证照替代',
  routing: '流转环节',
  certificate_type: '证照类型',
  credit_code: '统一社会信用代码',
  nature: '主体性质',
  charged: '是否收费',
  items: '收费项目',
  amount_yuan: '金额（元）',
  basis: '收费依据',
  fully_online: '全程网办',
  url: '网办地址',
  phone: '电话',
  step: '环节',
  description: '说明',
  limit_days: '时限（天）',
  q: '问题',
  a: '解答',
  schema: '表单结构',
  mappings: '字段映射',
  covers: '覆盖',
  id: '编号',
  format: '格式',
  departments: '部门',
  base_items: '基本目录',
  implementations: '实施清单',
  bundles: '一件事',
  online_list: '全程网办清单',
  implementation_codes: '实施编码',
};

export function fieldLabel(name: string): string {
  return FIELD_LABELS[name] ?? name;
}

/** The steps of a JSON Pointer ("/fields/materials/2" → ["fields", "materials", "2"]), or null when it is none. */
export function pointerSteps(at: string): string[] | null {
  if (at === '') return [];
  if (!at.startsWith('/')) return null;
  return at
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Members whose name means something else inside a field than at the top ("name" of a material is not 事项名称). */
const MEMBER_LABELS: Record<string, string> = { name: '名称', kind: '类型', theme: '主题', audience: '面向对象' };

function stepsLabel(steps: string[]): string {
  const parts: string[] = [];
  steps.forEach((s, i) => {
    if (/^\d+$/.test(s)) parts.push(`第 ${Number(s) + 1} 项`);
    else if (s === 'sample' && steps[i - 1] === 'result') parts.push('结果样本');
    else if (s === 'fields' && i > 0 && /^\d+$/.test(steps[i - 1])) return; // "/implementations/3/fields/…": the record's content
    else if (i > 0 && MEMBER_LABELS[s] && !['fields', 'base_items', 'implementations', 'bundles'].includes(steps[i - 1]))
      parts.push(MEMBER_LABELS[s]);
    else parts.push(fieldLabel(s));
  });
  return parts.join(' · ');
}

/**
 * Where an error or change is, for people: "/fields/materials/2/archive" → "申请材料 · 第 3 项 · 归档规则";
 * a CSV line ("CSV 第 12 行 promised_limit") and anything else is shown as it is.
 */
export function pointerLabel(at: string): string {
  const steps = pointerSteps(at);
  if (steps === null) return at;
  if (steps.length === 0) return '整个文档';
  return stepsLabel(steps[0] === 'fields' && steps.length > 1 ? steps.slice(1) : steps);
}

/** A diff's or change report's `field` ("promised_limit", "materials/2/name", "fields.result.name"…) for people. */
export function changeLabel(field: string): string {
  const steps = field
    .replace(/^\/?fields[./]/, '')
    .split(/[./[\]]+/)
    .filter(Boolean);
  return steps.length ? stepsLabel(steps) : field;
}

/** The top-level field an error's pointer is about ("/fields/promised_limit/value" → "promised_limit"), or the record member ("/effective_from" → "effective_from"). */
export function fieldOfPointer(at: string): { field: string; index: number | null } | null {
  const steps = pointerSteps(at);
  if (!steps || steps.length === 0) return null;
  if (steps[0] === 'fields') {
    if (steps.length < 2) return null;
    const index = steps.length > 2 && /^\d+$/.test(steps[2]) ? Number(steps[2]) : null;
    return { field: steps[1], index };
  }
  return { field: steps[0], index: null };
}

/** A value of a diff or change report as text: scalars as they are, structures as indented JSON. */
export function valueText(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v === '' ? '（空）' : v;
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number')) return v.length ? v.join('、') : '（无）';
  return JSON.stringify(v, null, 2);
}

/** A short reading of a known field's value ("5 个工作日", "行政许可", "窗口办理、快递申请"), or "" when there is none. */
export function readableValue(field: string, v: unknown): string {
  const top = field.replace(/^\/?fields[./]/, '');
  if (v === null || v === undefined) return '';
  if (top === 'statutory_limit' || top === 'promised_limit') return asLimit(v) ? limitText(v) : '';
  const tables: Record<string, CodeLabel[]> = {
    item_type: ITEM_TYPES,
    case_type: CASE_TYPES,
    exercise_level: EXERCISE_LEVELS,
    audience: AUDIENCES,
  };
  if (tables[top] && typeof v === 'string') return labelOf(tables[top], v);
  if (top === 'service_objects') return labelsOf(SERVICE_OBJECTS, v);
  if (top === 'handling_forms') return labelsOf(HANDLING_FORMS, v);
  if ((top === 'materials' || top === 'local_materials') && Array.isArray(v)) return `${v.length} 项材料`;
  if (top === 'process' && Array.isArray(v)) return `${v.length} 个环节`;
  return '';
}

export function isStructured(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !(Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number'));
}

// ---- Field shapes ---------------------------------------------------------------------------

export type ItemFields = Record<string, unknown>;

export interface TimeLimit {
  value: number;
  unit: string;
  note?: string;
}

export interface ArchiveRules {
  archived: boolean;
  retention: string;
  use_permission: string;
  storage_term: string;
}

/** 材料: with the rules configured at the source (archive, routing). */
export interface Material {
  id: string;
  name: string;
  issuing_body?: string;
  originals?: number;
  copies?: number;
  mandatory?: boolean;
  note?: string;
  kind?: string;
  blank_form?: string | null;
  sample?: string | null;
  archive?: ArchiveRules;
  replaceable_by_certificate?: string | null;
  routing?: string[];
  /** In the effective guide (GET /catalogue/{code}): added by the implementation. */
  local?: boolean;
}

export interface ProcessStep {
  step: string;
  description?: string;
  limit_days?: number;
}

export interface FeeItem {
  name: string;
  amount_yuan?: number;
  basis?: string;
}

export interface BundleMember {
  implementation_code: string;
  department?: string;
}

export interface BundleMaterial {
  id: string;
  name: string;
  covers?: { implementation_code: string; material: string }[];
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

export function asString(v: unknown): string {
  return typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v);
}

export function asArray<T = unknown>(v: unknown): T[] {
  return Array.isArray(v) ? (v as T[]) : [];
}

export function asLimit(v: unknown): TimeLimit | null {
  return isObject(v) && typeof v.value === 'number' ? (v as unknown as TimeLimit) : null;
}

/** "5 个工作日", "30 个自然日", "3 个月". */
export function limitText(v: unknown): string {
  const l = asLimit(v);
  if (!l) return '—';
  const unit = { working_day: '个工作日', natural_day: '个自然日', month: '个月' }[l.unit] ?? l.unit;
  return `${l.value} ${unit}`;
}

// ---- Form schemas (JSON Schema draft-07 with x-ui hints) as a field list for SchemaTree ---------

const JSON_TYPES: Record<string, string> = {
  string: '文本',
  integer: '整数',
  number: '数字',
  boolean: '是/否',
  array: '列表',
  object: '分组',
  null: '空',
};

const FORM_CONSTRAINTS: [keyword: string, label: string][] = [
  ['minLength', '最少字数'],
  ['maxLength', '最多字数'],
  ['pattern', '格式'],
  ['format', '格式'],
  ['minimum', '最小值'],
  ['maximum', '最大值'],
  ['minItems', '最少'],
  ['maxItems', '最多'],
  ['default', '默认值'],
];

function uiOf(s: Record<string, unknown>): Record<string, unknown> {
  return isObject(s['x-ui']) ? s['x-ui'] : {};
}

/** The properties of an object schema in their `x-ui.order`, as SchemaTree nodes (names, Chinese titles, rules, hints). */
export function formFields(schema: unknown, key = 'form', depth = 0): SchemaNode[] {
  if (!isObject(schema) || !isObject(schema.properties) || depth > 6) return [];
  const required = new Set(asArray<string>(schema.required));
  const entries = Object.entries(schema.properties).filter((e): e is [string, Record<string, unknown>] => isObject(e[1]));
  const order = (s: Record<string, unknown>) => {
    const o = uiOf(s).order;
    return typeof o === 'number' ? o : Number.MAX_SAFE_INTEGER;
  };
  entries.sort((a, b) => order(a[1]) - order(b[1]));
  return entries.map(([name, s]) => {
    const ui = uiOf(s);
    const types = (Array.isArray(s.type) ? s.type : [s.type]).filter((t): t is string => typeof t === 'string');
    const widget = typeof ui.widget === 'string' ? ui.widget : '';
    const notes: string[] = [];
    if (widget) notes.push(`控件：${WIDGETS[widget] ?? widget}`);
    if (typeof ui.placeholder === 'string' && ui.placeholder) notes.push(`提示文字：${ui.placeholder}`);
    if (ui.readonly === true) notes.push('申请人不能修改');
    if (typeof ui.fill_from === 'string') notes.push(`由事项 ${ui.fill_from} 办结后自动回填`);
    const constraints = FORM_CONSTRAINTS.filter(([k]) => k in s).map(([keyword, label]) => ({
      keyword,
      label,
      value: typeof s[keyword] === 'string' ? (s[keyword] as string) : JSON.stringify(s[keyword]),
    }));
    const items = isObject(s.items) ? s.items : null;
    return {
      key: `${key}.${name}`,
      name,
      type: types.map((t) => JSON_TYPES[t] ?? t).join(' 或 ') || '任意',
      title: typeof s.title === 'string' ? s.title : '',
      required: required.has(name),
      constraints,
      enumValues: asArray(s.enum ?? items?.enum).map((v) => (typeof v === 'string' ? v : JSON.stringify(v))),
      description: typeof s.description === 'string' ? s.description : '',
      notes,
      children: formFields(items ?? s, `${key}.${name}`, depth + 1),
    };
  });
}

// ---- Records and versions -------------------------------------------------------------------

export interface DepartmentRef {
  id: string;
  name: string;
  credit_code?: string;
}

export interface OpenVersion {
  version: number;
  status: VersionStatus | string;
}

/** What a record is, in a list line and in its detail: kind, code, name, the implementation's place. */
export interface ItemRecordHead {
  kind: ItemKind;
  code: string;
  name: string;
  basic_code: string | null;
  level: string | null;
  division_code: string | null;
  /** A department id, or {id, name}. */
  department: string | DepartmentRef | null;
  in_force_version: number | null;
  retired_from: string | null;
}

/** A line of GET /admin/records. */
export interface ItemRecord extends ItemRecordHead {
  published_version: number | null;
  effective_from: string | null;
  open_version: OpenVersion | null;
}

/** A version in a record's history (newest first). */
export interface ItemVersionInfo {
  version: number;
  status: VersionStatus | string;
  effective_from: string | null;
  author_name: string | null;
  /** The account that wrote the version (its reviewer must be someone else). */
  author_id?: string | null;
  created_at: string | null;
  updated_at: string | null;
  submitted_at: string | null;
  reviewer_name: string | null;
  reviewed_at: string | null;
  review_note: string | null;
  published_at: string | null;
  /** How the version came to be (e.g. an import); shown as it is. */
  origin: string | null;
}

/** GET /admin/records/{kind}/{code}: the record with its history. */
export interface ItemRecordDetail extends ItemRecordHead {
  retired_reason: string | null;
  versions: ItemVersionInfo[];
}

export interface ItemVersion extends ItemVersionInfo {
  fields: ItemFields;
}

export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

export interface ChangeReport {
  id: string;
  implementation_code: string;
  /** The implementation's name, level, division and department id (null when the record is gone). */
  name?: string | null;
  level?: string | null;
  division_code?: string | null;
  department?: string | null;
  basic_code: string;
  from_version: number | null;
  to_version: number;
  effective_from: string | null;
  changes: FieldChange[];
  problems: string[];
  created_at: string;
}

/** An implementation a base entry's open version reaches, and the problems publishing it would bring there. */
export interface ImpactedImplementation {
  implementation_code: string;
  level: string | null;
  division_code: string | null;
  /** A department id. */
  department: string | null;
  problems: string[];
}

/** GET /admin/records/base/{code}/impact: what publishing the base entry's open version would do. */
export interface ImpactPreview {
  basic_code: string;
  /** The published version it replaces (null: none yet), and the open version. */
  from_version: number | null;
  to_version: number;
  /** The unified fields it changes. */
  changes: FieldChange[];
  implementations: ImpactedImplementation[];
}

export interface NewRecord {
  kind: ItemKind;
  code: string;
  basic_code?: string;
  level?: string;
  division_code?: string;
  department?: string;
  effective_from: string;
  fields: ItemFields;
}

/**
 * A problem a base entry's later change brought into an implementation that took effect before it
 * (a promised limit now longer than the statutory one…): an import carries it, as a change report
 * describes it, instead of refusing the file.
 */
export interface PropagatedProblem {
  at: string;
  pointer?: string;
  message: string;
}

export interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
  departments: number;
  themes: number;
  online_list_version: number | null;
  propagated_problems: PropagatedProblem[];
  dry_run?: boolean;
}

export interface Department {
  id: string;
  name: string;
  credit_code: string;
  division_code: string;
  level: string;
  parent: string | null;
}

export interface Theme {
  code: string;
  name: string;
  audience: string;
}

/** The effective guide of an implementation (public): unified + local fields; materials base then local. */
export interface CatalogueGuide {
  implementation_code: string;
  basic_code: string;
  level: string;
  division_code: string;
  department: DepartmentRef;
  base_version: number;
  implementation_version: number;
  effective_from: string;
  fully_online: boolean;
  fields: ItemFields;
}

export interface RecordFilter {
  kind?: string;
  status?: string;
  q?: string;
}

function path(kind: string, code: string): string {
  return `${ROOT}/admin/records/${encodeURIComponent(kind)}/${encodeURIComponent(code)}`;
}

function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const text = q.toString();
  return text ? `?${text}` : '';
}

export async function listRecords(filter: RecordFilter, offset: number, limit: number): Promise<{ records: ItemRecord[]; total: number }> {
  const data = await request<{ records?: ItemRecord[]; total?: number }>(
    'GET',
    `${ROOT}/admin/records${query({ kind: filter.kind, status: filter.status, q: filter.q, limit, offset })}`,
  );
  const records = Array.isArray(data.records) ? data.records : [];
  return { records, total: typeof data.total === 'number' ? data.total : records.length };
}

export async function getRecord(kind: string, code: string): Promise<ItemRecordDetail> {
  const r = await request<ItemRecordDetail>('GET', path(kind, code));
  return { ...r, versions: Array.isArray(r.versions) ? r.versions : [] };
}

export async function getVersion(kind: string, code: string, version: number): Promise<ItemVersion> {
  const v = await request<ItemVersion>('GET', `${path(kind, code)}/versions/${version}`);
  return { ...v, fields: isObject(v.fields) ? v.fields : {} };
}

/** The version's changes against `against`, by default against the previous published version. */
export async function getDiff(kind: string, code: string, version: number, against?: number): Promise<FieldChange[]> {
  const data = await request<{ changes?: FieldChange[] }>('GET', `${path(kind, code)}/versions/${version}/diff${query({ against })}`);
  return Array.isArray(data.changes) ? data.changes : [];
}

/** A new record with draft version 1; answers the record. */
export function createRecord(record: NewRecord): Promise<ItemRecordDetail> {
  return request<ItemRecordDetail>('POST', `${ROOT}/admin/records`, record);
}

/** Saves the open draft, or opens a new one after the published version; answers the record. */
export function saveDraft(kind: string, code: string, effectiveFrom: string, fields: ItemFields): Promise<ItemRecordDetail> {
  return request<ItemRecordDetail>('PUT', `${path(kind, code)}/draft`, { effective_from: effectiveFrom, fields });
}

export function discardDraft(kind: string, code: string): Promise<void> {
  return request<void>('DELETE', `${path(kind, code)}/draft`);
}

/** 提交审核: draft → review. */
export function submitRecord(kind: string, code: string): Promise<unknown> {
  return request<unknown>('POST', `${path(kind, code)}/submit`, {});
}

/** 审核通过: review → published; the kernel refuses the version's own author (items.own_version). */
export function approveVersion(kind: string, code: string, version: number, note?: string): Promise<unknown> {
  return request<unknown>('POST', `${path(kind, code)}/versions/${version}/approve`, note ? { note } : {});
}

/** 退回: review → draft, with the reviewer's note. */
export function rejectVersion(kind: string, code: string, version: number, note: string): Promise<unknown> {
  return request<unknown>('POST', `${path(kind, code)}/versions/${version}/reject`, { note });
}

/** 停用: out of force from that day. */
export function retireRecord(kind: string, code: string, effectiveFrom: string, reason: string): Promise<unknown> {
  return request<unknown>('POST', `${path(kind, code)}/retire`, { effective_from: effectiveFrom, reason });
}

/**
 * 发布影响预览 of a base entry's open version (or version n): its changed unified fields and every
 * implementation it reaches with the problems it would bring. Needs items.base.edit; 409
 * items.no_draft when the entry has no open version.
 */
export async function getImpact(basicCode: string, version?: number): Promise<ImpactPreview> {
  const data = await request<ImpactPreview>('GET', `${path('base', basicCode)}/impact${query({ version })}`);
  return {
    ...data,
    changes: asArray<FieldChange>(data.changes),
    implementations: asArray<ImpactedImplementation>(data.implementations).map((i) => ({ ...i, problems: asArray<string>(i.problems) })),
  };
}

export async function listChangeReports(code: string, limit: number): Promise<ChangeReport[]> {
  const data = await request<{ reports?: ChangeReport[] }>('GET', `${ROOT}/admin/change-reports${query({ code, limit })}`);
  return (Array.isArray(data.reports) ? data.reports : []).map((r) => ({
    ...r,
    changes: Array.isArray(r.changes) ? r.changes : [],
    problems: Array.isArray(r.problems) ? r.problems : [],
  }));
}

export type ExportKind = 'json' | 'csv' | 'csv-gbt39046';

export const EXPORTS: { kind: ExportKind; label: string; desc: string; file: string }[] = [
  { kind: 'json', label: '导出 JSON', desc: '完整的交换文档（wangban.items/1），可再导入。', file: 'items-catalogue.json' },
  { kind: 'csv', label: '导出 CSV', desc: '平铺的清单，列名为字段代码。', file: 'items-catalogue.csv' },
  {
    kind: 'csv-gbt39046',
    label: '导出 CSV（标准数据项名称）',
    desc: '列名使用 GB/T 39046 的标准数据项名称，便于与其他平台交换。',
    file: 'items-catalogue-gbt39046.csv',
  },
];

/** The catalogue as a file (published versions, the newest of each record). */
export function exportCatalogue(kind: ExportKind): Promise<Blob> {
  const params = kind === 'json' ? { format: 'json' } : kind === 'csv' ? { format: 'csv' } : { format: 'csv', names: 'gbt39046' };
  return requestBlob('GET', `${ROOT}/admin/export${query(params)}`, kind === 'json' ? 'application/json' : 'text/csv', undefined, {
    timeoutMs: IMPORT_TIMEOUT_MS,
  });
}

/** Imports and checks take a while for a whole catalogue (about 1.5 MB). */
const IMPORT_TIMEOUT_MS = 180_000;

export type ImportBody = { format: 'json'; document: unknown } | { format: 'csv'; text: string };

/** All-or-nothing; with `dryRun` nothing is stored and the answer says what would change. */
export async function importCatalogue(body: ImportBody, dryRun: boolean): Promise<ImportResult> {
  const r = await request<ImportResult>('POST', `${ROOT}/admin/import`, { ...body, dry_run: dryRun }, { timeoutMs: IMPORT_TIMEOUT_MS });
  const problems: unknown[] = Array.isArray(r.propagated_problems) ? r.propagated_problems : [];
  return {
    ...r,
    propagated_problems: problems
      .filter(isObject)
      .map((p) => ({ at: asString(p.at ?? p.pointer), pointer: asString(p.pointer) || undefined, message: asString(p.message) })),
  };
}

export async function listDepartments(): Promise<Department[]> {
  const data = await request<{ departments?: Department[] }>('GET', `${ROOT}/departments`);
  return Array.isArray(data.departments) ? data.departments : [];
}

export async function listThemes(): Promise<Theme[]> {
  const data = await request<{ themes?: Theme[] }>('GET', `${ROOT}/themes`);
  return Array.isArray(data.themes) ? data.themes : [];
}

/** The effective guide of an implementation in force (for a bundle's members). */
export async function getGuide(implementationCode: string): Promise<CatalogueGuide> {
  const g = await request<CatalogueGuide>('GET', `${ROOT}/catalogue/${encodeURIComponent(implementationCode)}`);
  return { ...g, fields: isObject(g.fields) ? g.fields : {} };
}

// ---- Helpers for the pages -------------------------------------------------------------------

/** Who may write drafts of this kind (and upload their files): items.edit; base entries, being national, items.base.edit too. */
export function canEditKind(kind: string): boolean {
  return can('items.edit') && (kind !== 'base' || can('items.base.edit'));
}

export function departmentName(d: string | DepartmentRef | null | undefined, known: Department[] = []): string {
  if (!d) return '—';
  if (typeof d === 'string') return known.find((k) => k.id === d)?.name ?? d;
  return d.name || d.id;
}

export function departmentId(d: string | DepartmentRef | null | undefined): string {
  return !d ? '' : typeof d === 'string' ? d : d.id;
}

/** Today as YYYY-MM-DD in local time (the default date a new version takes effect). */
export function todayIso(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export function isIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
}

/** The version that is open (a draft or in review), else null. */
export function openVersionOf(r: ItemRecordDetail): ItemVersionInfo | null {
  return r.versions.find((v) => v.status === 'draft' || v.status === 'review') ?? null;
}

/** The newest published version, else null. */
export function latestPublishedOf(r: ItemRecordDetail): ItemVersionInfo | null {
  return [...r.versions].filter((v) => v.status === 'published').sort((a, b) => b.version - a.version)[0] ?? null;
}

export function itemPath(kind: string, code: string): string {
  return `/admin/items/${encodeURIComponent(kind)}/${encodeURIComponent(code)}`;
}

// ---- Files: 空白表格, 示例样表 and 结果样本 -------------------------------------------------------

/** What the plugin takes (judged by the bytes there): PDF, OFD, Word, Excel, JPEG, PNG, up to 20 MB. */
export const MAX_ITEM_FILE_BYTES = 20 * 1024 * 1024;
export const ITEM_FILE_TYPES_TEXT = 'PDF、OFD、Word、Excel、JPEG 或 PNG';
export const ITEM_FILE_ACCEPT =
  '.pdf,.ofd,.doc,.docx,.xls,.xlsx,.jpg,.jpeg,.png,application/pdf,application/ofd,application/msword,' +
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document,application/vnd.ms-excel,' +
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,image/jpeg,image/png';
const ITEM_FILE_EXTENSIONS = ['pdf', 'ofd', 'doc', 'docx', 'xls', 'xlsx', 'jpg', 'jpeg', 'png'];

/** An uploaded file: the answer of POST /admin/files. */
export interface ItemFile {
  sm3: string;
  name: string;
  media_type: string;
  size: number;
}

/** Whether the name's extension is one the plugin may take (it still checks the bytes). */
export function itemFileNameOk(name: string): boolean {
  const ext = name.includes('.') ? name.split('.').pop()!.toLowerCase() : '';
  return ITEM_FILE_EXTENSIONS.includes(ext);
}

/**
 * Files uploaded in this tab, by SM3: their names and sizes (a record holds only the SM3, so a file
 * uploaded elsewhere is shown by a short SM3).
 */
export const knownItemFiles = reactive(new Map<string, ItemFile>());

/** The first 12 hex digits of an SM3, for people. */
export function shortSm3(sm3: string): string {
  return sm3.length > 12 ? `${sm3.slice(0, 12)}…` : sm3;
}

/** Uploads a file (its bytes as Base64); answers {sm3, name, media_type, size} and remembers it. */
export async function uploadItemFile(name: string, contentBase64: string): Promise<ItemFile> {
  const f = await request<ItemFile>('POST', `${ROOT}/admin/files`, { name, content_base64: contentBase64 }, { timeoutMs: IMPORT_TIMEOUT_MS });
  if (!f || typeof f.sm3 !== 'string' || !f.sm3) throw new ApiError(201, '服务器没有返回文件的 SM3。');
  knownItemFiles.set(f.sm3, f);
  return f;
}

/** The staff download of any uploaded file (a plain link works with the session cookie). */
export function itemFileUrl(sm3: string): string {
  return `${ROOT}/admin/files/${encodeURIComponent(sm3)}`;
}

/** The same download with the admin token, which a plain link cannot send. */
export function fetchItemFile(sm3: string): Promise<Blob> {
  return requestBlob('GET', itemFileUrl(sm3), '*/*', undefined, { timeoutMs: IMPORT_TIMEOUT_MS });
}
