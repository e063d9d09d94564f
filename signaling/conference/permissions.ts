/**
 * Who may do what in a live meeting: the one table every control request is checked against,
 * with the role from the join token's claims.
 */
import { AppError } from '../../lib/errors.js';
import type { JoinClaims, Role } from '../../protocol/claims.js';

const CONTROL: readonly Role[] = ['chair', 'secretary'];
const PUBLISHERS: readonly Role[] = ['chair', 'secretary', 'site', 'official'];
const EVERYONE: readonly Role[] = ['chair', 'secretary', 'site', 'official', 'observer'];

export const PERMISSIONS = {
  /** Publish a camera or microphone. */
  produce: PUBLISHERS,
  'request-floor': ['secretary', 'site', 'official'],
  'grant-floor': CONTROL,
  'skip-floor': CONTROL,
  'revoke-floor': CONTROL,
  'mute-site': CONTROL,
  'mute-all': CONTROL,
  'set-free-discussion': CONTROL,
  spotlight: CONTROL,
  'lock-meeting': CONTROL,
  'remove-participant': CONTROL,
  admit: CONTROL,
  /** The paginated grid of every site, and the full live state (queue subjects, removed links). */
  'view-grid': CONTROL,
  /** Come in while the meeting is locked. */
  'enter-locked': CONTROL,
  /** Speak without being given the floor: joins unmuted. */
  'speak-freely': ['chair'],
  /** Opening a scheduled meeting (lets the waiting room in) and ending it are the chair's alone. */
  'open-meeting': ['chair'],
  'end-meeting': ['chair'],
  /** Come in before the meeting is opened (the others wait in the waiting room). */
  'enter-early': CONTROL,
  /** See the roll call and call it. */
  'roll-call': CONTROL,
  /** Confirm one's own presence and enter one's headcount. */
  'confirm-presence': EVERYONE,
  /** Let guests in from the lobby, or turn them away. */
  'admit-guest': CONTROL,
  'message-all': PUBLISHERS,
  'message-control': EVERYONE,
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof PERMISSIONS;

export function may(role: Role, action: Action): boolean {
  return (PERMISSIONS[action] as readonly Role[]).includes(role);
}

/** Throws FORBIDDEN unless the token's role may do this. */
export function authorize(claims: JoinClaims, action: Action): void {
  if (!may(claims.role, action)) throw new AppError('FORBIDDEN', `The ${claims.role} role may not ${action.replace(/-/g, ' ')}`);
}

/** An action on another participant: also, only a chair acts on a chair (a secretary cannot mute or remove one). */
export function authorizeOn(claims: JoinClaims, action: Action, target: Role): void {
  authorize(claims, action);
  if (target === 'chair' && claims.role !== 'chair') throw new AppError('FORBIDDEN', `Only a chair may ${action.replace(/-/g, ' ')} the chair`);
}
