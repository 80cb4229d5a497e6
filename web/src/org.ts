// The organisation tree as the console shows it: levels in Chinese, depth-first rows, indented options.
import type { DirectoryOrgUnit, OrgLevel, OrgUnit } from './api';

export const LEVELS: OrgLevel[] = ['national', 'province', 'city', 'county', 'department'];

export const LEVEL_LABELS: Record<string, string> = {
  national: '国家级',
  province: '省级',
  city: '市级',
  county: '县级',
  department: '部门',
};

/** Levels a top-level unit may have. */
export const ROOT_LEVELS: OrgLevel[] = ['national', 'province'];

export function levelLabel(level: string): string {
  return LEVEL_LABELS[level] ?? level;
}

/** Levels allowed under a parent: the next administrative level (one step down), and departments. */
export function childLevels(parentLevel: string): OrgLevel[] {
  const i = LEVELS.indexOf(parentLevel as OrgLevel);
  const next = i >= 0 && i + 1 < LEVELS.length - 1 ? [LEVELS[i + 1]] : [];
  return [...next, 'department'];
}

export interface OrgRow {
  unit: OrgUnit;
  depth: number;
  children: number;
  /** Names from the root down to this unit. */
  trail: string[];
}

const collator = new Intl.Collator('zh-CN');

function compareUnits(a: OrgUnit, b: OrgUnit): number {
  const rank = (u: OrgUnit) => {
    const i = LEVELS.indexOf(u.level as OrgLevel);
    return i < 0 ? LEVELS.length : i;
  };
  return (
    rank(a) - rank(b) ||
    (a.division_code && b.division_code ? a.division_code.localeCompare(b.division_code) : 0) ||
    collator.compare(a.name, b.name)
  );
}

/** Depth-first rows: administrative children before departments, then by division code and name. */
export function orgRows(units: OrgUnit[]): OrgRow[] {
  const ids = new Set(units.map((u) => u.id));
  const children = new Map<string | null, OrgUnit[]>();
  for (const u of units) {
    const parent = u.parent_id && ids.has(u.parent_id) ? u.parent_id : null; // orphans become roots
    const list = children.get(parent) ?? [];
    list.push(u);
    children.set(parent, list);
  }
  for (const list of children.values()) list.sort(compareUnits);

  const rows: OrgRow[] = [];
  const seen = new Set<string>();
  const walk = (parent: string | null, depth: number, trail: string[]) => {
    for (const u of children.get(parent) ?? []) {
      if (seen.has(u.id)) continue;
      seen.add(u.id);
      const here = [...trail, u.name];
      rows.push({ unit: u, depth, children: children.get(u.id)?.length ?? 0, trail: here });
      walk(u.id, depth + 1, here);
    }
  };
  walk(null, 0, []);
  return rows;
}

/** Option label for a <select>: indented by depth, with the level. */
export function orgOptionLabel(row: OrgRow): string {
  return `${'\u3000'.repeat(row.depth)}${row.unit.name}（${levelLabel(row.unit.level)}）`;
}

/** Rows of the messaging directory's units, whose parents are read from their paths ("/<root>/…/<id>/"). */
export function directoryOrgRows(units: DirectoryOrgUnit[]): OrgRow[] {
  return orgRows(
    units.map((u) => {
      const ids = u.path.split('/').filter(Boolean);
      const parent = ids.length > 1 && ids[ids.length - 1] === u.id ? ids[ids.length - 2] : null;
      return { id: u.id, parent_id: parent, level: u.level, name: u.name, division_code: '', path: u.path };
    }),
  );
}
