/**
 * The directory CSV import, without I/O: parse the file (RFC 4180), then check every line against
 * the directory as read plus the file itself, and either list every problem by line or say exactly
 * which units and halls to write. The route writes the result in one guarded step.
 */
import { ID_PATTERN } from '../protocol/ids.js';
import type { DirectoryView } from '../store/directory-tx.js';
import type { Hall, Unit } from '../store/records.js';
import { Scope } from './access/scope.js';
import type { Caller } from './auth/caller.js';
import { UnitTree } from './unit-tree.js';

export const IMPORT_COLUMNS = ['type', 'id', 'name', 'kind', 'parent_id', 'unit_id', 'location', 'operator_username'] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];
const REQUIRED_COLUMNS: readonly ImportColumn[] = ['type', 'id', 'name'];

/** Stable codes, so the web app can word each problem in Vietnamese. */
export type ImportErrorCode =
  | 'empty_file'
  | 'unclosed_quote'
  | 'bad_quote'
  | 'unknown_column'
  | 'duplicate_column'
  | 'missing_column'
  | 'field_count'
  | 'bad_type'
  | 'required'
  | 'bad_id'
  | 'too_long'
  | 'duplicate_id'
  | 'unknown_parent'
  | 'self_parent'
  | 'cycle'
  | 'top_level'
  | 'unknown_unit'
  | 'unknown_operator'
  | 'not_operator'
  | 'out_of_scope'
  | 'own_unit_move'
  | 'too_many_errors';

export interface ImportError {
  /** 1-based line of the file where the record starts (the header is line 1). */
  line: number;
  column?: ImportColumn | string;
  code: ImportErrorCode;
  /** English, for the API's readers; the web app words the code itself. */
  message: string;
  /** Values the message names (an id, a line number), for the translated text. */
  params?: Record<string, string | number>;
}

export interface CsvRecord {
  line: number;
  fields: string[];
}

/** At most this many problems are listed; a file with more says so on its last entry. */
export const MAX_REPORTED_ERRORS = 200;

/**
 * Splits CSV text into records: comma separated, fields optionally in double quotes (a quote
 * inside is doubled), records ended by CRLF, LF or CR; a leading BOM is dropped. Each record
 * keeps the line it starts on, so problems can be reported by line even after quoted line breaks.
 */
export function parseCsv(text: string): { records: CsvRecord[]; errors: ImportError[] } {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  const errors: ImportError[] = [];
  let line = 1;
  let i = 0;
  const n = src.length;
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    let broken = false;
    for (;;) {
      let value = '';
      if (src[i] === '"') {
        i++;
        let closed = false;
        while (i < n) {
          const c = src[i] as string;
          if (c === '"') {
            if (src[i + 1] === '"') {
              value += '"';
              i += 2;
              continue;
            }
            i++;
            closed = true;
            break;
          }
          if (c === '\r' || c === '\n') {
            line++;
            if (c === '\r' && src[i + 1] === '\n') {
              value += '\r\n';
              i += 2;
              continue;
            }
          }
          value += c;
          i++;
        }
        if (!closed) {
          errors.push({ line: start, code: 'unclosed_quote', message: 'A quoted field is not closed: a double quote is missing' });
          return { records, errors };
        }
        if (i < n && src[i] !== ',' && src[i] !== '\r' && src[i] !== '\n') {
          broken = true;
          // Skip to the end of the field so the next lines still parse.
          while (i < n && src[i] !== ',' && src[i] !== '\r' && src[i] !== '\n') i++;
        }
      } else {
        const from = i;
        while (i < n && src[i] !== ',' && src[i] !== '\r' && src[i] !== '\n') i++;
        value = src.slice(from, i);
        if (value.includes('"')) broken = true;
        value = value.trim();
      }
      fields.push(value);
      if (i < n && src[i] === ',') {
        i++;
        continue;
      }
      break;
    }
    // End of record.
    if (src[i] === '\r' && src[i + 1] === '\n') i += 2;
    else if (i < n) i++;
    line++;
    if (broken) {
      errors.push({ line: start, code: 'bad_quote', message: 'A double quote must enclose the whole field (write "" for a quote inside a quoted field)' });
      continue;
    }
    if (fields.length === 1 && fields[0] === '') continue; // blank line
    records.push({ line: start, fields });
  }
  return { records, errors };
}

export interface ImportRow {
  line: number;
  type: 'unit' | 'hall';
  id: string;
  values: Partial<Record<ImportColumn, string>>;
}

export interface ImportPlan {
  units: Unit[];
  halls: Hall[];
  created: { units: number; halls: number };
  updated: { units: number; halls: number };
  unchanged: { units: number; halls: number };
}

export type ImportCheck = { ok: true; plan: ImportPlan } | { ok: false; errors: ImportError[] };

const ID = new RegExp(ID_PATTERN);
const LIMITS: Partial<Record<ImportColumn, number>> = { name: 200, kind: 40, location: 300, id: 64, parent_id: 64, unit_id: 64, operator_username: 64 };

/**
 * Checks a whole file against the directory as read and decides what to write. Nothing is
 * decided line by line: a parent may come later in the file, a moved unit may make a cycle
 * with another line, and one bad line refuses the whole file.
 * In an update an empty cell keeps the current value.
 */
export function planImport(text: string, view: DirectoryView, caller: Caller, now = new Date().toISOString()): ImportCheck {
  const errors: ImportError[] = [];
  const fail = (line: number, column: string | undefined, code: ImportErrorCode, message: string, params?: Record<string, string | number>) => {
    errors.push({ line, ...(column ? { column } : {}), code, message, ...(params ? { params } : {}) });
  };
  const parsed = parseCsv(text);
  errors.push(...parsed.errors);
  const [header, ...body] = parsed.records;
  if (!header) {
    if (errors.length === 0) fail(1, undefined, 'empty_file', 'The file is empty: it needs a header row and at least one line');
    return done(errors);
  }
  // The header: known names in any order and any case.
  const columns: (ImportColumn | null)[] = [];
  const seen = new Set<string>();
  for (const raw of header.fields) {
    const name = raw.trim().toLowerCase();
    if (name === '') {
      // Spreadsheets often add empty columns at the end: ignored.
      columns.push(null);
      continue;
    }
    if (!(IMPORT_COLUMNS as readonly string[]).includes(name)) {
      fail(header.line, raw, 'unknown_column', `Unknown column "${raw}": the columns are ${IMPORT_COLUMNS.join(', ')}`, { name: raw });
      columns.push(null);
      continue;
    }
    if (seen.has(name)) fail(header.line, name, 'duplicate_column', `The column "${name}" appears twice`, { name });
    seen.add(name);
    columns.push(name as ImportColumn);
  }
  for (const name of REQUIRED_COLUMNS) if (!seen.has(name)) fail(header.line, name, 'missing_column', `The header lacks the column "${name}"`, { name });
  if (errors.length > 0) return done(errors);
  if (body.length === 0) {
    fail(header.line, undefined, 'empty_file', 'The file has a header but no lines to import');
    return done(errors);
  }

  // Each line on its own: shape, type, id, lengths; then duplicates within the file.
  const rows: ImportRow[] = [];
  const firstLine = { unit: new Map<string, number>(), hall: new Map<string, number>() };
  for (const record of body) {
    if (record.fields.length !== columns.length) {
      fail(record.line, undefined, 'field_count', `This line has ${record.fields.length} fields; the header has ${columns.length}`, {
        count: record.fields.length,
        expected: columns.length,
      });
      continue;
    }
    const values: Partial<Record<ImportColumn, string>> = {};
    columns.forEach((c, k) => {
      // A line break or a run of spaces inside a cell is one space: names are one line.
      if (c) values[c] = (record.fields[k] as string).replace(/\s+/g, ' ').trim();
    });
    let ok = true;
    for (const [column, max] of Object.entries(LIMITS) as [ImportColumn, number][]) {
      const v = values[column];
      if (v !== undefined && [...v].length > max) {
        fail(record.line, column, 'too_long', `"${column}" is longer than ${max} characters`, { max });
        ok = false;
      }
    }
    const type = (values.type ?? '').toLowerCase();
    if (type !== 'unit' && type !== 'hall') {
      fail(record.line, 'type', 'bad_type', `The type must be "unit" or "hall", not "${values.type ?? ''}"`, { value: values.type ?? '' });
      continue;
    }
    const id = values.id ?? '';
    if (id === '') {
      fail(record.line, 'id', 'required', 'The id is required', {});
      ok = false;
    } else if (!ID.test(id)) {
      fail(record.line, 'id', 'bad_id', `"${id}" is not a valid id: letters, digits, "_", "." and "-", starting with a letter or digit, at most 64`, { value: id });
      ok = false;
    } else {
      const earlier = firstLine[type].get(id);
      if (earlier !== undefined) {
        fail(record.line, 'id', 'duplicate_id', `The ${type} id "${id}" is already on line ${earlier}`, { id, other: earlier });
        ok = false;
      } else firstLine[type].set(id, record.line);
    }
    if (!values.name) {
      fail(record.line, 'name', 'required', 'The name is required', {});
      ok = false;
    }
    for (const column of ['parent_id', 'unit_id'] as const) {
      const v = values[column];
      if (v && !ID.test(v)) {
        fail(record.line, column, 'bad_id', `"${v}" is not a valid id`, { value: v });
        ok = false;
      }
    }
    if (ok) rows.push({ line: record.line, type, id, values });
  }

  const unitRows = rows.filter((r) => r.type === 'unit');
  const hallRows = rows.filter((r) => r.type === 'hall');
  const currentTree = new UnitTree([...view.units.values()]);
  const current = new Scope(caller, currentTree);
  const own = caller.person.unitId;

  // Units: the tree after the import, then parents, cycles and scope on it.
  const finalUnits = new Map(view.units);
  const proposed = new Map<string, { row: ImportRow; unit: Unit; before: Unit | undefined }>();
  for (const row of unitRows) {
    const before = view.units.get(row.id);
    const v = row.values;
    const kind = v.kind || before?.kind || '';
    if (!kind) fail(row.line, 'kind', 'required', 'A new unit needs a kind (province, district, commune…)', {});
    const parentId = v.parent_id ? v.parent_id : before ? before.parentId : null;
    const unit: Unit = before
      ? { ...before, name: v.name as string, kind, parentId, updatedAt: now }
      : { id: row.id, name: v.name as string, kind, parentId, createdAt: now, updatedAt: now };
    proposed.set(row.id, { row, unit, before });
    finalUnits.set(row.id, unit);
  }
  const inCycle = new Set<string>();
  for (const { row, unit, before } of proposed.values()) {
    if (unit.parentId === null) {
      if (!before && !current.isAdmin) fail(row.line, 'parent_id', 'top_level', 'Only an administrator may create a top-level unit: give a parent_id', {});
      continue;
    }
    if (unit.parentId === unit.id) {
      fail(row.line, 'parent_id', 'self_parent', `Unit "${unit.id}" cannot be its own parent`, { id: unit.id });
      inCycle.add(unit.id);
      continue;
    }
    if (!finalUnits.has(unit.parentId)) {
      fail(row.line, 'parent_id', 'unknown_parent', `The parent unit "${unit.parentId}" is neither in the directory nor in this file`, { id: unit.parentId });
      inCycle.add(unit.id); // its place in the tree is unknown: no scope verdict on it
      continue;
    }
    const chain = [unit.id];
    for (let at = finalUnits.get(unit.parentId); at; at = at.parentId === null ? undefined : finalUnits.get(at.parentId)) {
      if (at.id === unit.id) {
        fail(row.line, 'parent_id', 'cycle', `The units form a cycle: ${[...chain, unit.id].join(' → ')}`, { path: [...chain, unit.id].join(' → ') });
        inCycle.add(unit.id);
        break;
      }
      if (chain.includes(at.id)) {
        inCycle.add(unit.id); // under a cycle reported on its own lines: no place in the tree
        break;
      }
      chain.push(at.id);
    }
  }
  const finalTree = new UnitTree([...finalUnits.values()]);
  const after = new Scope(caller, finalTree);
  for (const { row, unit, before } of proposed.values()) {
    if (inCycle.has(unit.id) || current.isAdmin) continue;
    if (before) {
      if (!current.manages(before.id)) {
        fail(row.line, 'id', 'out_of_scope', `Unit "${before.id}" is outside your unit's scope`, { id: before.id });
        continue;
      }
      if (unit.parentId !== before.parentId && before.id === own) {
        fail(row.line, 'parent_id', 'own_unit_move', 'A secretariat cannot move its own unit', {});
        continue;
      }
    }
    if (unit.parentId !== null && (!before || unit.parentId !== before.parentId) && !after.manages(unit.parentId))
      fail(row.line, 'parent_id', 'out_of_scope', `The parent unit "${unit.parentId}" is outside your unit's scope`, { id: unit.parentId });
  }

  // Halls: their unit (in the directory or the file), their operator, and scope.
  const byUsername = new Map<string, string>();
  for (const p of view.people.values()) if (p.username) byUsername.set(p.username, p.id);
  const halls: Hall[] = [];
  const hallCounts = { created: 0, updated: 0, unchanged: 0 };
  for (const row of hallRows) {
    const before = view.halls.get(row.id);
    const v = row.values;
    let ok = true;
    const unitId = v.unit_id || before?.unitId || '';
    if (!unitId) {
      fail(row.line, 'unit_id', 'required', 'A new hall needs a unit_id', {});
      ok = false;
    } else if (!finalUnits.has(unitId)) {
      fail(row.line, 'unit_id', 'unknown_unit', `The unit "${unitId}" is neither in the directory nor in this file`, { id: unitId });
      ok = false;
    }
    let operatorId = before?.operatorId ?? null;
    if (v.operator_username) {
      const username = v.operator_username.toLowerCase();
      const personId = byUsername.get(username);
      const operator = personId === undefined ? undefined : view.people.get(personId);
      if (!operator || (!current.isAdmin && !current.manages(operator.unitId))) {
        fail(row.line, 'operator_username', 'unknown_operator', `No person in your scope has the username "${username}"`, { username });
        ok = false;
      } else if (!operator.roles.includes('operator')) {
        fail(row.line, 'operator_username', 'not_operator', `"${username}" (${operator.name}) does not have the operator role`, { username, name: operator.name });
        ok = false;
      } else operatorId = operator.id;
    }
    if (!current.isAdmin) {
      if (before && !current.manages(before.unitId)) {
        fail(row.line, 'id', 'out_of_scope', `Hall "${before.id}" is outside your unit's scope`, { id: before.id });
        ok = false;
      } else if (ok && !inCycle.has(unitId) && !after.manages(unitId)) {
        fail(row.line, 'unit_id', 'out_of_scope', `The unit "${unitId}" is outside your unit's scope`, { id: unitId });
        ok = false;
      }
    }
    if (!ok) continue;
    const location = v.location || before?.location;
    const hall: Hall = before
      ? { ...before, name: v.name as string, unitId, operatorId, updatedAt: now }
      : { id: row.id, name: v.name as string, unitId, operatorId, createdAt: now, updatedAt: now };
    if (location) hall.location = location;
    if (!before) hallCounts.created++;
    else if (same(before, hall, ['name', 'unitId', 'operatorId', 'location'])) {
      hallCounts.unchanged++;
      continue;
    } else hallCounts.updated++;
    halls.push(hall);
  }

  if (errors.length > 0) return done(errors);
  const units: Unit[] = [];
  const unitCounts = { created: 0, updated: 0, unchanged: 0 };
  for (const { unit, before } of proposed.values()) {
    if (!before) unitCounts.created++;
    else if (same(before, unit, ['name', 'kind', 'parentId'])) {
      unitCounts.unchanged++;
      continue;
    } else unitCounts.updated++;
    units.push(unit);
  }
  return {
    ok: true,
    plan: {
      units,
      halls,
      created: { units: unitCounts.created, halls: hallCounts.created },
      updated: { units: unitCounts.updated, halls: hallCounts.updated },
      unchanged: { units: unitCounts.unchanged, halls: hallCounts.unchanged },
    },
  };
}

function same<T extends object>(a: T, b: T, keys: readonly (keyof T)[]): boolean {
  return keys.every((k) => a[k] === b[k]);
}

/** Problems in file order, at most MAX_REPORTED_ERRORS of them. */
function done(errors: ImportError[]): ImportCheck {
  const sorted = [...errors].sort((a, b) => a.line - b.line);
  if (sorted.length <= MAX_REPORTED_ERRORS) return { ok: false, errors: sorted };
  const shown = sorted.slice(0, MAX_REPORTED_ERRORS);
  const last = shown[shown.length - 1] as ImportError;
  shown.push({ line: last.line, code: 'too_many_errors', message: `${sorted.length} problems in all; the first ${MAX_REPORTED_ERRORS} are listed`, params: { count: sorted.length } });
  return { ok: false, errors: shown };
}
