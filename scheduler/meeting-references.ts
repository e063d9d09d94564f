import { AppError } from '../lib/errors.js';
import type { Hall, Meeting, Person } from '../store/records.js';
import type { Store } from '../store/store.js';
import type { Scope } from './access/scope.js';
import type { SitesInput } from './meeting-input.js';
import type { UnitTree } from './unit-tree.js';

/** The halls and people a meeting names: they must exist and lie within the caller's scope. */

export interface ReferenceInput {
  hostHallId: string;
  /** A new selection, or the stored site halls when the selection is not being changed. */
  sites: SitesInput | { stored: readonly string[] };
  chairId: string;
  secretaryIds: readonly string[];
  invitedPersonIds: readonly string[];
}

export interface References {
  hostHall: Hall;
  /** Explicit site halls: the selection resolved, the host hall left out, no repeats. */
  siteHallIds: string[];
  /** Units whose subtrees were selected. */
  unitIds: string[];
  chairId: string;
  /** Without the chair. */
  secretaryIds: string[];
  /** Without the chair and the secretaries. */
  invitedPersonIds: string[];
  halls: ReadonlyMap<string, Hall>;
  people: ReadonlyMap<string, Person>;
}

const MAX_SITES = 2000;

/** Loads and resolves the references; 404 naming every unknown id of the first kind found. */
export async function resolveReferences(store: Store, tree: UnitTree, input: ReferenceInput): Promise<References> {
  const allHalls = await store.directory.listHalls();
  const halls = new Map(allHalls.map((h) => [h.id, h]));
  const hostHall = halls.get(input.hostHallId);
  if (!hostHall) throw new AppError('NOT_FOUND', `Hall "${input.hostHallId}" does not exist`, { hallIds: [input.hostHallId] });

  const unitIds = 'stored' in input.sites ? [] : [...new Set(input.sites.unitIds ?? [])];
  const unknownUnits = unitIds.filter((u) => !tree.has(u));
  if (unknownUnits.length > 0) throw new AppError('NOT_FOUND', `Unit ${quoted(unknownUnits)} does not exist`, { unitIds: unknownUnits });
  const explicit = 'stored' in input.sites ? [...input.sites.stored] : [...(input.sites.hallIds ?? [])];
  const unknownHalls = [...new Set(explicit.filter((h) => !halls.has(h)))];
  if (unknownHalls.length > 0) throw new AppError('NOT_FOUND', `Hall ${quoted(unknownHalls)} does not exist`, { hallIds: unknownHalls });
  const selected = new Set(explicit);
  if (unitIds.length > 0) {
    const units = new Set(unitIds.flatMap((u) => [...tree.subtree(u)]));
    for (const hall of [...allHalls].sort((a, b) => (a.id < b.id ? -1 : 1))) if (units.has(hall.unitId)) selected.add(hall.id);
  }
  selected.delete(hostHall.id);
  if (selected.size > MAX_SITES) throw new AppError('BAD_REQUEST', `A meeting has at most ${MAX_SITES} site halls; this selection has ${selected.size}`);

  const chairId = input.chairId;
  const secretaryIds = [...new Set(input.secretaryIds)].filter((p) => p !== chairId);
  const invitedPersonIds = [...new Set(input.invitedPersonIds)].filter((p) => p !== chairId && !secretaryIds.includes(p));
  const personIds = [chairId, ...secretaryIds, ...invitedPersonIds];
  const found = await store.directory.getPeople(personIds);
  const unknownPeople = personIds.filter((_, i) => found[i] === undefined);
  if (unknownPeople.length > 0) throw new AppError('NOT_FOUND', `Person ${quoted(unknownPeople)} does not exist`, { personIds: unknownPeople });
  const people = new Map(found.map((p) => [(p as Person).id, p as Person]));
  return { hostHall, siteHallIds: [...selected], unitIds, chairId, secretaryIds, invitedPersonIds, halls, people };
}

/**
 * 403 unless the caller manages the host hall's unit and every hall, unit and person the
 * meeting names. With `previous` (a change), only what the change adds is checked: a district
 * secretariat may retitle its meeting that the province gave sites outside the district.
 */
export function checkScope(scope: Scope, refs: References, previous?: Meeting): void {
  const hostChanged = !previous || previous.hostHallId !== refs.hostHall.id;
  if (hostChanged) scope.requireManages(refs.hostHall.unitId, `The host hall "${refs.hostHall.name}" (${refs.hostHall.id})`);
  for (const unitId of refs.unitIds) scope.requireManages(unitId, `The unit ${unitId}`);
  const oldSites = new Set(previous ? [previous.hostHallId, ...previous.siteHallIds] : []);
  for (const hallId of refs.siteHallIds) {
    if (oldSites.has(hallId)) continue;
    const hall = refs.halls.get(hallId) as Hall;
    scope.requireManages(hall.unitId, `The hall "${hall.name}" (${hall.id})`);
  }
  const oldPeople = new Set(previous ? [previous.chairId, ...previous.secretaryIds, ...previous.invitedPersonIds] : []);
  for (const personId of [refs.chairId, ...refs.secretaryIds, ...refs.invitedPersonIds]) {
    if (oldPeople.has(personId)) continue;
    const person = refs.people.get(personId) as Person;
    scope.requireManages(person.unitId, `The person "${person.name}" (${person.id})`);
  }
}

function quoted(ids: readonly string[]): string {
  const shown = ids.slice(0, 5).map((id) => `"${id}"`).join(', ');
  return ids.length > 5 ? `${shown} and ${ids.length - 5} more` : shown;
}

/** The meeting fields the resolved references decide: who chairs, which halls, who is invited, whose unit owns it. */
export function referenceFields(refs: References): Pick<Meeting, 'chairId' | 'hostHallId' | 'siteHallIds' | 'invitedPersonIds' | 'secretaryIds' | 'unitId'> {
  return {
    chairId: refs.chairId,
    hostHallId: refs.hostHall.id,
    siteHallIds: refs.siteHallIds,
    invitedPersonIds: refs.invitedPersonIds,
    secretaryIds: refs.secretaryIds,
    unitId: refs.hostHall.unitId,
  };
}
