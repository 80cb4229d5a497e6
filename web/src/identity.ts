// Identity data as applicants see it: the citizen ID check (GB 11643 公民身份号码), masking, the
// Chinese labels of GB/T 39046 person fields, and the client-side checks that mirror the kernel's
// (so most mistakes are caught before a request; the kernel's own message is still shown if not).

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK_CHARS = '10X98765432';

/** Why `value` is not a valid 18-digit citizen ID, or null when it is (x is taken as X). */
export function citizenIdProblem(value: string, today = new Date()): string | null {
  const id = value.trim().toUpperCase();
  if (!id) return '请输入身份证号码。';
  if (!/^\d{17}[\dX]$/.test(id)) return '身份证号码应为 18 位：前 17 位是数字，最后一位是数字或 X。';
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const birth = new Date(Date.UTC(y, m - 1, d));
  if (birth.getUTCFullYear() !== y || birth.getUTCMonth() !== m - 1 || birth.getUTCDate() !== d || y < 1900) {
    return '身份证号码中的出生日期（第 7–14 位）不是有效日期。';
  }
  if (birth.getTime() > today.getTime()) return '身份证号码中的出生日期晚于今天。';
  const sum = ID_WEIGHTS.reduce((s, w, i) => s + w * Number(id[i]), 0);
  if (ID_CHECK_CHARS[sum % 11] !== id[17]) return '身份证号码校验位不正确，请逐位核对。';
  return null;
}

/** "110***********002X": the first 3 and last 4 characters shown, the rest masked. */
export function maskId(value: string): string {
  if (value.length <= 7) return value.length <= 2 ? '*'.repeat(value.length) : `${'*'.repeat(value.length - 2)}${value.slice(-2)}`;
  return `${value.slice(0, 3)}${'*'.repeat(value.length - 7)}${value.slice(-4)}`;
}

/** GB/T 2261.1 性别代码. */
export const GENDER_LABELS: Record<string, string> = { '0': '未知的性别', '1': '男', '2': '女', '9': '未说明的性别' };

export const ID_TYPE_LABELS: Record<string, string> = {
  resident_id: '居民身份证',
  passport: '护照',
  hk_macao_permit: '港澳居民来往内地通行证',
  taiwan_permit: '台湾居民来往大陆通行证',
  foreign_permanent_resident: '外国人永久居留身份证',
};

export const KIND_LABELS: Record<string, string> = {
  staff: '工作人员',
  system: '系统（管理令牌）',
  person: '个人用户（自然人）',
  legal: '法人用户',
};

/** GB/T 3304 民族 names, in the standard's order. */
export const ETHNICITIES = (
  '汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 土家族 哈尼族 哈萨克族 傣族 黎族 ' +
  '傈僳族 佤族 畲族 高山族 拉祜族 水族 东乡族 纳西族 景颇族 柯尔克孜族 土族 达斡尔族 仫佬族 羌族 布朗族 撒拉族 毛南族 ' +
  '仡佬族 锡伯族 阿昌族 普米族 塔吉克族 怒族 乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 裕固族 京族 塔塔尔族 独龙族 ' +
  '鄂伦春族 赫哲族 门巴族 珞巴族 基诺族'
).split(' ');

// The kernel's checks (kernel/identity/profiles.cpp), repeated so mistakes show before a request.
export const MOBILE_RE = /^1[3-9]\d{9}$/;
// Plausible, not RFC 5322: a local part of at most 64 characters, one @, a dot in the domain, no spaces.
export const EMAIL_RE = /^[^\s@]{1,64}@[^\s@.]+(\.[^\s@.]+)+$/;

/** YYYY-MM-DD of a real calendar day. */
export function isDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** Local date and time of epoch milliseconds, or — for none. */
export function when(ms: number | null | undefined): string {
  return ms ? new Date(ms).toLocaleString('zh-CN', { hour12: false }) : '—';
}

/** Local date of epoch milliseconds. */
export function day(ms: number | null | undefined): string {
  return ms ? new Date(ms).toLocaleDateString('zh-CN') : '—';
}

/** "Chrome 131 · Linux" from a user agent; the full text belongs in a title. */
export function browserOf(ua: string): string {
  if (!ua) return '未知浏览器';
  const pick = (re: RegExp) => ua.match(re)?.[1]?.split('.')[0];
  let browser = '其他浏览器';
  let v: string | undefined;
  if ((v = pick(/Edg(?:e|A|iOS)?\/([\d.]+)/))) browser = `Edge ${v}`;
  else if ((v = pick(/HeadlessChrome\/([\d.]+)/))) browser = `Chrome ${v}（无界面）`;
  else if ((v = pick(/(?:Chrome|CriOS)\/([\d.]+)/))) browser = `Chrome ${v}`;
  else if ((v = pick(/(?:Firefox|FxiOS)\/([\d.]+)/))) browser = `Firefox ${v}`;
  else if (/Safari\//.test(ua) && (v = pick(/Version\/([\d.]+)/))) browser = `Safari ${v}`;
  else if (/^curl\//.test(ua)) browser = 'curl';
  const os = /Windows/.test(ua)
    ? 'Windows'
    : /iPhone|iPad|iPod/.test(ua)
      ? 'iOS'
      : /Mac OS X|Macintosh/.test(ua)
        ? 'macOS'
        : /Android/.test(ua)
          ? 'Android'
          : /Linux/.test(ua)
            ? 'Linux'
            : '';
  return os ? `${browser} · ${os}` : browser;
}

// 统一社会信用代码 (GB 32100-2015), as the kernel checks it (kernel/identity/identifiers.cpp).
const CREDIT_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/** Why `value` is not a valid unified social credit code, or null when it is (letters in any case). */
export function creditCodeProblem(value: string): string | null {
  const c = value.trim().toUpperCase();
  if (!c) return '请填写统一社会信用代码。';
  if (c.length !== 18) return '统一社会信用代码应为 18 位。';
  if ([...c].some((ch) => !CREDIT_CHARSET.includes(ch))) return '统一社会信用代码含有不允许的字符（不使用 I、O、S、V、Z）。';
  if (!/^\d{6}$/.test(c.slice(2, 8))) return '统一社会信用代码第 3-8 位应为行政区划码。';
  const sum = CREDIT_WEIGHTS.reduce((s, w, i) => s + CREDIT_CHARSET.indexOf(c[i]) * w, 0);
  if (CREDIT_CHARSET[(31 - (sum % 31)) % 31] !== c[17]) return '统一社会信用代码校验位不正确，请逐位核对。';
  // The organisation code inside (characters 9-17) has its own GB 11714 check character.
  const orgSum = ORG_WEIGHTS.reduce((s, w, i) => {
    const ch = c[8 + i];
    return s + (/\d/.test(ch) ? Number(ch) : ch.charCodeAt(0) - 55) * w;
  }, 0);
  const orgCheck = 11 - (orgSum % 11);
  if ((orgCheck === 10 ? 'X' : orgCheck === 11 ? '0' : String(orgCheck)) !== c[16]) {
    return '统一社会信用代码中的组织机构代码校验不正确。';
  }
  return null;
}
