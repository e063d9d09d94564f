import { AppError } from '../../lib/errors.js';
import type { Authorize, DirectoryView } from '../../store/directory.js';
import type { Hall, Person, Unit } from '../../store/records.js';
import type { Caller } from '../auth/caller.js';
import { UnitTree } from '../unit-tree.js';
import { Scope } from './scope.js';

/**
 * Who may see and change which units, halls and people (issue 3 §3):
 * - an admin: everything;
 * - a secretariat: the records of its unit's subtree (and sees the ancestors of its unit);
 * - an operator: the halls it operates (and the units on their paths);
 * - an official: its own record, its unit's path and its unit's halls.
 * Every account sees its own record and its unit's path. Roles add up.
 */

export function scopeOf(caller: Caller, view: DirectoryView): Scope {
  return new Scope(caller, new UnitTree([...view.units.values()]));
}

/** The units the caller may see, each with whether the caller manages it. */
export function visibleUnits(scope: Scope, view: DirectoryView): Map<string, boolean> {
  const visible = new Map<string, boolean>();
  const { tree } = scope;
  if (scope.isAdmin) {
    for (const id of view.units.keys()) visible.set(id, true);
    return visible;
  }
  const showPath = (unitId: string) => {
    for (const unit of tree.path(unitId)) if (!visible.has(unit.id)) visible.set(unit.id, false);
  };
  const own = scope.caller.person.unitId;
  if (scope.caller.roles.has('secretariat')) for (const id of tree.subtree(own)) visible.set(id, true);
  showPath(own);
  if (scope.caller.roles.has('operator')) for (const hall of view.halls.values()) if (hall.operatorId === scope.personId) showPath(hall.unitId);
  return visible;
}

export function canSeeHall(scope: Scope, hall: Hall): boolean {
  if (scope.manages(hall.unitId)) return true;
  if (scope.caller.roles.has('operator') && hall.operatorId === scope.personId) return true;
  return scope.caller.roles.has('official') && hall.unitId === scope.caller.person.unitId;
}

export function canSeePerson(scope: Scope, person: Person): boolean {
  return person.id === scope.personId || scope.manages(person.unitId);
}

const forbidden = (message: string) => new AppError('FORBIDDEN', message);

/** Creating, editing, moving and deleting units. */
export function unitRule(caller: Caller): Authorize<Unit> {
  return (view, before, after) => {
    const scope = scopeOf(caller, view);
    if (scope.isAdmin) return;
    const own = caller.person.unitId;
    if (after && after.parentId === null && before?.parentId !== null) throw forbidden('Only an administrator may create a top-level unit');
    if (!before) {
      scope.requireManages(after?.parentId as string, 'The parent unit');
      return;
    }
    scope.requireManages(before.id, `Unit "${before.id}"`);
    if (!after) {
      if (before.id === own) throw forbidden('A secretariat cannot delete its own unit');
      return;
    }
    if (after.parentId !== before.parentId) {
      if (before.id === own) throw forbidden('A secretariat cannot move its own unit');
      if (after.parentId !== null) scope.requireManages(after.parentId, 'The new parent unit');
    }
  };
}

/** Halls: the secretariat of their unit; an operator may rename its hall and set its location. */
export function hallRule(caller: Caller): Authorize<Hall> {
  return (view, before, after) => {
    const scope = scopeOf(caller, view);
    if (scope.isAdmin) return;
    if (before && after && !scope.manages(before.unitId) && caller.roles.has('operator') && before.operatorId === caller.person.id) {
      if (after.unitId !== before.unitId || after.operatorId !== before.operatorId)
        throw forbidden('An operator may change only the name and location of its hall');
      return;
    }
    if (before) scope.requireManages(before.unitId, `Hall "${before.id}"`);
    if (after) {
      scope.requireManages(after.unitId, `Unit "${after.unitId}"`);
      if (after.operatorId !== null && after.operatorId !== before?.operatorId) {
        const operator = view.people.get(after.operatorId);
        if (operator) scope.requireManages(operator.unitId, 'The operator');
      }
    }
  };
}

/**
 * People and their accounts: the secretariat of their unit, which may grant secretariat,
 * operator and official but never admin, and may not touch an administrator's record.
 * Nobody changes their own roles or deletes themselves.
 */
export function personRule(caller: Caller): Authorize<Person> {
  return (view, before, after) => {
    const scope = scopeOf(caller, view);
    if (before && !after && before.id === caller.person.id) throw new AppError('CONFLICT', 'You cannot delete your own record');
    if (before && after && before.id === caller.person.id && !sameRoles(before.roles, after.roles))
      throw forbidden('You cannot change your own roles: ask another administrator or secretariat');
    if (scope.isAdmin) return;
    if (before) {
      scope.requireManages(before.unitId, `Person "${before.id}"`);
      if (before.roles.includes('admin')) throw forbidden('Only an administrator may change an administrator’s record');
    }
    if (after) {
      scope.requireManages(after.unitId, `Unit "${after.unitId}"`);
      if (after.roles.includes('admin')) throw forbidden('Only an administrator may grant the admin role');
    }
  };
}

function sameRoles(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((r) => b.includes(r));
}
