// Turns the kernel's OpenAPI 3.1 document into a flat, display-ready model for the API page.
// The document is read defensively: unknown or missing fields fall back to neutral values.
import type { OpenApiDocument } from './api';

export const KERNEL_OWNER = 'kernel';

const METHOD_ORDER = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'trace'];
const MAX_DEPTH = 8; // deeper schemas are cut off (and $ref cycles stop earlier)

/** One validation keyword, e.g. { keyword: 'minLength', label: '最小长度', value: '1' }. */
export interface Constraint {
  keyword: string;
  label: string;
  value: string | null;
}

/** A schema (or one property of it), ready to print. */
export interface SchemaNode {
  key: string;
  name: string | null; // property name; null for a root schema
  type: string; // "string", "string | null", "array<object>", …
  title: string;
  required: boolean;
  constraints: Constraint[];
  enumValues: string[];
  description: string;
  notes: string[];
  children: SchemaNode[];
}

export interface ApiOperation {
  key: string;
  method: string; // upper case
  path: string;
  owner: string; // the first tag: a plugin name or "kernel"
  summary: string;
  summaryMain: string; // the Chinese part of "中文 (English)"
  summaryNote: string; // the English part, or ""
  permission: string; // a permission name, "public", or "" when not declared
  isPublic: boolean;
  deprecated: boolean;
  params: SchemaNode[];
  paramsAllInPath: boolean;
  hasRequestBody: boolean;
  requestType: string;
  requestRequired: boolean;
  request: SchemaNode | null;
  responseStatus: string;
  responseDescription: string;
  response: SchemaNode | null;
  problem: string | null; // errors are problem+json: the schema's name (or ""); null otherwise
  haystack: string; // lower-case text the filter searches
}

export interface ApiGroup {
  owner: string;
  operations: ApiOperation[];
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const show = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v) ?? String(v));

/** Resolves a local JSON pointer such as "#/components/schemas/Problem". */
function lookup(doc: OpenApiDocument, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let cur: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    if (!isObj(cur)) return undefined;
    cur = cur[decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cur;
}

/** Follows $ref chains (for objects that are not schemas: parameters, bodies, responses). */
function deref(doc: OpenApiDocument, v: unknown): Obj | null {
  for (let i = 0; i < 8 && isObj(v) && typeof v.$ref === 'string'; i++) v = lookup(doc, v.$ref);
  return isObj(v) ? v : null;
}

const refName = (ref: string) => ref.slice(ref.lastIndexOf('/') + 1);

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

const CONSTRAINTS: ReadonlyArray<[keyword: string, label: string]> = [
  ['minLength', '最小长度'],
  ['maxLength', '最大长度'],
  ['pattern', '正则'],
  ['format', '格式'],
  ['minimum', '最小值'],
  ['exclusiveMinimum', '大于'],
  ['maximum', '最大值'],
  ['exclusiveMaximum', '小于'],
  ['multipleOf', '倍数'],
  ['minItems', '最少元素'],
  ['maxItems', '最多元素'],
  ['uniqueItems', '元素不重复'],
  ['minProperties', '最少属性'],
  ['maxProperties', '最多属性'],
  ['const', '固定值'],
  ['default', '默认值'],
  ['readOnly', '只读'],
  ['writeOnly', '只写'],
  ['deprecated', '已弃用'],
];

function constraintsOf(s: Obj, prefix = ''): Constraint[] {
  const out: Constraint[] = [];
  for (const [keyword, label] of CONSTRAINTS) {
    if (!(keyword in s)) continue;
    const v = s[keyword];
    if (typeof v === 'boolean') {
      if (v) out.push({ keyword, label: prefix + label, value: null }); // e.g. uniqueItems: true
    } else {
      out.push({ keyword, label: prefix + label, value: show(v) });
    }
  }
  return out;
}

/** Merges allOf members into one schema (properties and required are combined). */
function mergeAllOf(doc: OpenApiDocument, s: Obj): Obj {
  if (!Array.isArray(s.allOf)) return s;
  const merged: Obj = { ...s };
  delete merged.allOf;
  const props: Obj = isObj(s.properties) ? { ...s.properties } : {};
  const required = new Set<string>(Array.isArray(s.required) ? s.required.filter((r) => typeof r === 'string') : []);
  for (const part of s.allOf) {
    const p = deref(doc, part);
    if (!p) continue;
    for (const [k, v] of Object.entries(p)) {
      if (k === 'properties' && isObj(v)) Object.assign(props, v);
      else if (k === 'required' && Array.isArray(v)) v.forEach((r) => typeof r === 'string' && required.add(r));
      else if (!(k in merged)) merged[k] = v;
    }
  }
  if (Object.keys(props).length) merged.properties = props;
  if (required.size) merged.required = [...required];
  return merged;
}

function declaredTypes(s: Obj): string[] {
  if (typeof s.type === 'string') return [s.type];
  if (Array.isArray(s.type)) return s.type.filter((t): t is string => typeof t === 'string');
  if ('const' in s) return [jsonType(s.const)];
  if (Array.isArray(s.enum)) return [...new Set(s.enum.map(jsonType))];
  if (isObj(s.properties) || isObj(s.additionalProperties)) return ['object'];
  if ('items' in s) return ['array'];
  return [];
}

interface Ctx {
  doc: OpenApiDocument;
  refs: string[]; // the $refs being expanded (cycle guard)
}

function schemaNode(
  raw: unknown,
  name: string | null,
  required: boolean,
  key: string,
  ctx: Ctx,
  depth: number,
): SchemaNode {
  const node: SchemaNode = {
    key,
    name,
    type: 'any',
    title: '',
    required,
    constraints: [],
    enumValues: [],
    description: '',
    notes: [],
    children: [],
  };
  if (raw === false) {
    node.type = 'never';
    return node;
  }
  if (!isObj(raw)) return node; // `true` or a missing schema: anything goes

  if (typeof raw.$ref === 'string') {
    const ref = raw.$ref;
    const target = lookup(ctx.doc, ref);
    if (!isObj(target)) {
      node.type = ref;
      node.notes.push('无法解析的引用');
      return node;
    }
    if (ctx.refs.includes(ref) || depth >= MAX_DEPTH) {
      node.type = refName(ref);
      node.notes.push('递归结构，详见上层同名定义');
      return node;
    }
    const inner = schemaNode(target, name, required, key, { doc: ctx.doc, refs: [...ctx.refs, ref] }, depth);
    inner.title ||= refName(ref);
    inner.description = text(raw.description) || inner.description;
    return inner;
  }

  const s = mergeAllOf(ctx.doc, raw);
  node.title = text(s.title);
  node.description = text(s.description);
  node.constraints = constraintsOf(s);
  if (Array.isArray(s.enum)) node.enumValues = s.enum.map(show);

  let types = declaredTypes(s);
  const variants = Array.isArray(s.oneOf) ? s.oneOf : Array.isArray(s.anyOf) ? s.anyOf : null;
  if (variants && types.length === 0) {
    const nodes = variants.map((v, i) => schemaNode(v, `方案 ${i + 1}`, false, `${key}|${i}`, ctx, depth + 1));
    node.type = nodes.map((n) => n.type).join(' | ') || 'any';
    node.notes.push(Array.isArray(s.oneOf) ? '须且只须满足下列方案之一' : '满足下列任一方案即可');
    if (nodes.some((n) => n.children.length || n.constraints.length || n.enumValues.length)) node.children = nodes;
    return node;
  }

  if (types.includes('array')) {
    let item = 'any';
    if (isObj(s.items) && depth < MAX_DEPTH) {
      const it = schemaNode(s.items, null, false, `${key}[]`, ctx, depth + 1);
      item = it.type.includes(' ') ? `(${it.type})` : it.type;
      node.children = it.children;
      node.constraints.push(...it.constraints.map((c) => ({ ...c, label: `元素${c.label}` })));
      node.enumValues = it.enumValues;
      if (it.description) node.notes.push(`元素：${it.description}`);
      node.notes.push(...it.notes);
    }
    types = types.map((t) => (t === 'array' ? `array<${item}>` : t));
  }

  if (types.includes('object')) {
    if (depth >= MAX_DEPTH) {
      node.notes.push('层级过深，已省略');
    } else {
      const req = new Set(Array.isArray(s.required) ? s.required : []);
      if (isObj(s.properties)) {
        for (const [prop, sub] of Object.entries(s.properties)) {
          node.children.push(schemaNode(sub, prop, req.has(prop), `${key}.${prop}`, ctx, depth + 1));
        }
      }
      if (isObj(s.additionalProperties)) {
        const extra = schemaNode(s.additionalProperties, '*', false, `${key}.*`, ctx, depth + 1);
        extra.description ||= '其他任意属性名';
        node.children.push(extra);
      }
    }
    if (s.additionalProperties === false) node.notes.push('不接受未声明的属性');
  }

  if (types.length) node.type = types.join(' | ');
  return node;
}

const LOCATIONS: Record<string, string> = { path: '路径', query: '查询', header: '请求头', cookie: 'Cookie' };

function paramNodes(doc: OpenApiDocument, lists: unknown[], key: string): SchemaNode[] {
  const byId = new Map<string, Obj>();
  for (const list of lists) {
    if (!Array.isArray(list)) continue;
    for (const raw of list) {
      const p = deref(doc, raw);
      if (p && typeof p.name === 'string') byId.set(`${text(p.in)}:${p.name}`, p); // operation level wins
    }
  }
  return [...byId.values()].map((p) => {
    const where = text(p.in) || 'query';
    const name = String(p.name);
    const n = schemaNode(p.schema, name, p.required === true, `${key}:${where}:${name}`, { doc, refs: [] }, 1);
    n.description = text(p.description) || n.description;
    if (where !== 'path') n.constraints.unshift({ keyword: 'in', label: '位置', value: LOCATIONS[where] ?? where });
    return n;
  });
}

/** The JSON media type of a content map (or the first one), and its schema. */
function media(content: unknown): { type: string; schema: unknown } | null {
  if (!isObj(content)) return null;
  const types = Object.keys(content);
  const type = types.find((t) => /^application\/(.+\+)?json\b/.test(t)) ?? types[0];
  if (!type) return null;
  const m = content[type];
  return { type, schema: isObj(m) ? m.schema : undefined };
}

/** "中文说明 (English)" → ["中文说明", "English"]; anything else stays whole. */
function splitSummary(summary: string): [string, string] {
  const m = summary.match(/^(.*?\S)\s*[(（]([^()（）]+)[)）]\s*$/);
  if (m && /[^\x00-\x7f]/.test(m[1]) && /^[\x20-\x7e]+$/.test(m[2])) return [m[1], m[2].trim()];
  return [summary, ''];
}

function operation(doc: OpenApiDocument, path: string, method: string, op: Obj, pathItem: Obj): ApiOperation {
  const key = `${method.toUpperCase()} ${path}`;
  const tags = Array.isArray(op.tags) ? op.tags : [];
  const owner = text(tags[0]) || '未分组';
  const summary = text(op.summary).trim() || text(op.description).split('\n')[0].trim();
  const [summaryMain, summaryNote] = splitSummary(summary);
  const explicitPublic = Array.isArray(op.security) && op.security.length === 0;
  const permission = text(op['x-permission']) || (explicitPublic ? 'public' : '');
  const ctx: Ctx = { doc, refs: [] };

  const params = paramNodes(doc, [pathItem.parameters, op.parameters], key);

  const body = deref(doc, op.requestBody);
  const reqMedia = body ? media(body.content) : null;
  const reqSchema = reqMedia?.schema;

  const responses = isObj(op.responses) ? op.responses : {};
  const okStatus =
    ['200', '201', '202', '204'].find((c) => c in responses) ?? Object.keys(responses).find((c) => /^2/.test(c)) ?? '';
  const ok = okStatus ? deref(doc, responses[okStatus]) : null;
  const resMedia = ok ? media(ok.content) : null;
  const resSchema = resMedia?.schema;

  const errors = deref(doc, responses.default);
  const errMedia = errors ? media(errors.content) : null;
  const errRef = errMedia && isObj(errMedia.schema) ? errMedia.schema.$ref : undefined;
  let problem: string | null = null;
  if (errMedia && /problem\+json/.test(errMedia.type)) problem = typeof errRef === 'string' ? refName(errRef) : '';

  return {
    key,
    method: method.toUpperCase(),
    path,
    owner,
    summary,
    summaryMain: summaryMain || '（无说明）',
    summaryNote,
    permission,
    isPublic: permission === 'public',
    deprecated: op.deprecated === true,
    params,
    paramsAllInPath: params.every((p) => !p.constraints.some((c) => c.keyword === 'in')),
    hasRequestBody: !!body,
    requestType: reqMedia?.type ?? '',
    requestRequired: body?.required === true,
    request: reqSchema !== undefined ? schemaNode(reqSchema, null, false, `${key}:req`, ctx, 0) : null,
    responseStatus: okStatus,
    responseDescription: ok ? text(ok.description) : '',
    response: resSchema !== undefined ? schemaNode(resSchema, null, false, `${key}:res`, ctx, 0) : null,
    problem,
    haystack: [path, summary, owner, permission, permission === 'public' ? '公开' : ''].join('\n').toLowerCase(),
  };
}

/** Every operation of the document, sorted by path and then method. */
export function collectOperations(doc: OpenApiDocument): ApiOperation[] {
  const out: ApiOperation[] = [];
  for (const [path, rawItem] of Object.entries(doc.paths ?? {})) {
    const item = deref(doc, rawItem);
    if (!item) continue;
    for (const [method, op] of Object.entries(item)) {
      if (METHOD_ORDER.includes(method) && isObj(op)) out.push(operation(doc, path, method, op, item));
    }
  }
  const rank = (m: string) => METHOD_ORDER.indexOf(m.toLowerCase());
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : rank(a.method) - rank(b.method)));
}

/** Operations grouped by owner: plugins in name order, the kernel last. */
export function groupByOwner(ops: ApiOperation[]): ApiGroup[] {
  const groups = new Map<string, ApiOperation[]>();
  for (const op of ops) {
    const list = groups.get(op.owner);
    if (list) list.push(op);
    else groups.set(op.owner, [op]);
  }
  return [...groups.entries()]
    .map(([owner, operations]) => ({ owner, operations }))
    .sort((a, b) => {
      if ((a.owner === KERNEL_OWNER) !== (b.owner === KERNEL_OWNER)) return a.owner === KERNEL_OWNER ? 1 : -1;
      return a.owner.localeCompare(b.owner, 'zh-CN');
    });
}

/** True when every whitespace-separated term of the query occurs in the operation (case-insensitive). */
export function matchesQuery(op: ApiOperation, query: string): boolean {
  const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
  return terms.every((t) => op.haystack.includes(t));
}
