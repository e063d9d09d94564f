import { AppError } from '../../lib/errors.js';
import type { Store } from '../../store/store.js';
import type { Caller } from '../auth/caller.js';
import { UnitTree } from '../unit-tree.js';

/**
 * What the caller may reach, by unit: an admin everything; a secretariat its unit's subtree
 * (the province's secretariat: the whole province; a district's: that district and its
 * communes). Finer rules (operators' halls, officials' invitations) build on this.
 */
export class Scope {
  constructor(
    readonly caller: Caller,
    readonly tree: UnitTree,
  ) {}

  get personId(): string {
    return this.caller.person.id;
  }
  get isAdmin(): boolean {
    return this.caller.roles.has('admin');
  }
  has(role: 'secretariat' | 'operator' | 'official'): boolean {
    return this.isAdmin || this.caller.roles.has(role);
  }

  /** May the caller manage records of this unit (and schedule meetings hosted there)? */
  manages(unitId: string): boolean {
    if (this.isAdmin) return true;
    return this.caller.roles.has('secretariat') && this.tree.isWithin(unitId, this.caller.person.unitId);
  }

  /** Throws 403 unless the caller manages the unit; `what` names the thing, for the message. */
  requireManages(unitId: string, what: string): void {
    if (!this.manages(unitId)) throw new AppError('FORBIDDEN', `${what} is outside your unit's scope`);
  }
}

export async function loadScope(store: Store, caller: Caller): Promise<Scope> {
  return new Scope(caller, new UnitTree(await store.directory.listUnits()));
}
