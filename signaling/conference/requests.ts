/** The conference-control requests of one socket: each checked against permissions.ts, then carried out. */
import type { TSchema } from '@sinclair/typebox';
import { AppError } from '../../lib/errors.js';
import type { JoinClaims } from '../../protocol/claims.js';
import type { ClientToServerEvents } from '../../protocol/events.js';
import type { ParticipantId } from '../../protocol/ids.js';
import * as msg from '../../protocol/messages.js';
import type { Handler } from '../with-ack.js';
import type { Conference } from './conference.js';
import type { Member } from './live-state.js';
import { authorize, authorizeOn } from './permissions.js';

export type On = <S extends TSchema, R>(event: keyof ClientToServerEvents, schema: S, handler: Handler<S, R>) => void;

export interface ControlContext {
  readonly claims: JoinClaims;
  /** The meeting and this participant in it; throws NOT_JOINED before the join (MEETING_NOT_OPEN, NOT_ADMITTED while waiting). */
  joined(): { conference: Conference; me: Member };
  /** The meeting and this participant's id, in it or in the waiting room (roll-call confirmations); throws NOT_JOINED before the join. */
  arrived(): { conference: Conference; id: ParticipantId };
}

export function registerControlRequests(on: On, ctx: ControlContext): void {
  const { claims } = ctx;

  on('request-floor', msg.FloorRequestPayload, (req) => {
    authorize(claims, 'request-floor');
    const { conference, me } = ctx.joined();
    return { position: conference.requestFloor(me.info.id, req) };
  });
  on('cancel-floor-request', msg.Empty, () => {
    authorize(claims, 'request-floor');
    const { conference, me } = ctx.joined();
    conference.cancelFloorRequest(me.info.id);
    return null;
  });
  on('grant-floor', msg.GrantFloorRequest, (req) => {
    authorize(claims, 'grant-floor');
    return ctx.joined().conference.grantFloor(req.participantId, req.timeLimitSeconds, claims);
  });
  on('skip-floor', msg.SkipFloorRequest, (req) => {
    authorize(claims, 'skip-floor');
    ctx.joined().conference.skipFloor(req.participantId);
    return null;
  });
  on('revoke-floor', msg.Empty, () => {
    authorize(claims, 'revoke-floor');
    ctx.joined().conference.revokeFloor();
    return null;
  });
  on('mute-site', msg.MuteSiteRequest, (req) => {
    authorize(claims, 'mute-site');
    const { conference } = ctx.joined();
    const target = conference.state.target(req.participantId);
    authorizeOn(claims, 'mute-site', target.claims.role);
    conference.mute(target, req.muted ?? true);
    return null;
  });
  on('mute-all', msg.Empty, () => {
    authorize(claims, 'mute-all');
    const { conference, me } = ctx.joined();
    return { muted: conference.muteAll(me.info.id) };
  });
  on('set-free-discussion', msg.FreeDiscussionRequest, (req) => {
    authorize(claims, 'set-free-discussion');
    ctx.joined().conference.setFreeDiscussion(req.open);
    return null;
  });
  on('spotlight', msg.SpotlightRequest, (req) => {
    authorize(claims, 'spotlight');
    ctx.joined().conference.spotlight(req.participantId);
    return null;
  });
  on('lock-meeting', msg.LockRequest, (req) => {
    authorize(claims, 'lock-meeting');
    ctx.joined().conference.lock(req.locked);
    return null;
  });
  on('remove-participant', msg.ParticipantRequest, (req) => {
    authorize(claims, 'remove-participant');
    const { conference, me } = ctx.joined();
    const target = conference.state.target(req.participantId);
    authorizeOn(claims, 'remove-participant', target.claims.role);
    if (target === me) throw new AppError('CONFLICT', 'Leave the meeting instead of removing yourself');
    conference.remove(target, claims);
    return null;
  });
  on('admit', msg.AdmitRequest, (req) => {
    authorize(claims, 'admit');
    return { admitted: ctx.joined().conference.admit(req.subjectId) };
  });
  on('set-grid-page', msg.GridPageRequest, (req) => {
    authorize(claims, 'view-grid');
    const { conference, me } = ctx.joined();
    return conference.setGridPage(me.info.id, req.page, req.pageSize);
  });
  on('send-message', msg.SendMessageRequest, (req) => {
    authorize(claims, req.to === 'all' ? 'message-all' : 'message-control');
    const { conference, me } = ctx.joined();
    return conference.sendMessage(me, req.text, req.to);
  });

  // Lifecycle.
  on('open-meeting', msg.Empty, async () => {
    authorize(claims, 'open-meeting');
    await ctx.joined().conference.open(claims);
    return null;
  });
  on('end-meeting', msg.Empty, async () => {
    authorize(claims, 'end-meeting');
    await ctx.joined().conference.end(claims);
    return null;
  });

  // Roll call.
  on('get-roll-call', msg.RollCallRequest, (req) => {
    authorize(claims, 'roll-call');
    const { conference, me } = ctx.joined();
    return conference.rollCall(me.info.id, req.watch ?? true);
  });
  on('call-roll', msg.Empty, () => {
    authorize(claims, 'roll-call');
    return { calledAt: ctx.joined().conference.callRoll(claims) };
  });
  on('confirm-presence', msg.ConfirmPresenceRequest, (req) => {
    authorize(claims, 'confirm-presence');
    const { conference, id } = ctx.arrived();
    conference.confirmPresence(id, req.headcount);
    return null;
  });
  on('set-headcount', msg.HeadcountRequest, (req) => {
    authorize(claims, 'confirm-presence');
    const { conference, id } = ctx.arrived();
    conference.setHeadcount(id, req.headcount);
    return null;
  });

  // Lobby.
  on('admit-guest', msg.ParticipantRequest, (req) => {
    authorize(claims, 'admit-guest');
    ctx.joined().conference.admitGuest(req.participantId, claims);
    return null;
  });
  on('refuse-guest', msg.ParticipantRequest, (req) => {
    authorize(claims, 'admit-guest');
    ctx.joined().conference.refuseGuest(req.participantId);
    return null;
  });
  on('admit-all-guests', msg.Empty, () => {
    authorize(claims, 'admit-guest');
    return { admitted: ctx.joined().conference.admitAllGuests(claims) };
  });
}
