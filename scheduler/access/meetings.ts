import { AppError } from '../../lib/errors.js';
import type { Hall, Meeting, Person } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import type { Caller } from '../auth/caller.js';
import { loadScope, type Scope } from './scope.js';

/**
 * Who sees and who edits which meeting.
 * - admin: every meeting.
 * - secretariat: meetings hosted in its unit's subtree, or with a site hall or an invited
 *   person (chair, secretary, official) there; it edits only those hosted in its subtree.
 * - operator: meetings where one of the halls it operates is the host or a site.
 * - anyone: meetings where they chair, are a secretary or are invited.
 * Roles add up: a person with several sees the union.
 */
export class MeetingAccess {
  readonly #subtree: ReadonlySet<string>;
  readonly #ownHalls: ReadonlySet<string>;

  constructor(
    readonly scope: Scope,
    private readonly halls: ReadonlyMap<string, Hall>,
    private readonly people: ReadonlyMap<string, Person>,
  ) {
    const caller = scope.caller;
    this.#subtree = caller.roles.has('secretariat') ? scope.tree.subtree(caller.person.unitId) : new Set();
    this.#ownHalls = new Set(caller.roles.has('operator') ? [...halls.values()].filter((h) => h.operatorId === caller.person.id).map((h) => h.id) : []);
  }

  get personId(): string {
    return this.scope.personId;
  }

  canSee(meeting: Meeting): boolean {
    if (this.scope.isAdmin) return true;
    const me = this.personId;
    if (meeting.chairId === me || meeting.secretaryIds.includes(me) || meeting.invitedPersonIds.includes(me)) return true;
    const halls = [meeting.hostHallId, ...meeting.siteHallIds];
    if (this.#ownHalls.size > 0 && halls.some((h) => this.#ownHalls.has(h))) return true;
    if (this.#subtree.size === 0) return false;
    if (this.#subtree.has(meeting.unitId)) return true;
    if (halls.some((h) => this.inSubtree(this.halls.get(h)?.unitId))) return true;
    return [meeting.chairId, ...meeting.secretaryIds, ...meeting.invitedPersonIds].some((p) => this.inSubtree(this.people.get(p)?.unitId));
  }

  /** Editing (change, cancel, status) is for the secretariat of the unit that hosts it, and admins. */
  canEdit(meeting: Meeting): boolean {
    return this.scope.manages(meeting.unitId);
  }

  /** 403 without a word about the meeting unless the caller may see it. */
  requireSee(meeting: Meeting): void {
    if (!this.canSee(meeting)) throw new AppError('FORBIDDEN', 'You are not allowed to see this meeting');
  }

  requireEdit(meeting: Meeting): void {
    this.requireSee(meeting);
    if (!this.canEdit(meeting)) throw new AppError('FORBIDDEN', 'Only the secretariat of the unit hosting this meeting may change it');
  }

  private inSubtree(unitId: string | undefined): boolean {
    return unitId !== undefined && this.#subtree.has(unitId);
  }
}

/** Reads what the rules need: the unit tree, and the halls and people (only when the caller's roles need them). */
export async function loadMeetingAccess(store: Store, caller: Caller): Promise<MeetingAccess> {
  const needsHalls = !caller.roles.has('admin') && (caller.roles.has('secretariat') || caller.roles.has('operator'));
  const needsPeople = !caller.roles.has('admin') && caller.roles.has('secretariat');
  const [scope, halls, people] = await Promise.all([
    loadScope(store, caller),
    needsHalls ? store.directory.listHalls() : Promise.resolve([]),
    needsPeople ? store.directory.listPeople() : Promise.resolve([]),
  ]);
  return new MeetingAccess(scope, new Map(halls.map((h) => [h.id, h])), new Map(people.map((p) => [p.id, p])));
}
