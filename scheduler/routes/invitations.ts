import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { AppError } from '../../lib/errors.js';
import { AgendaItem, Id, Instant, Invitation, InvitationId, Meeting, Recurrence } from '../../store/records.js';
import { callerOf, requireRole } from '../auth/plugin.js';
import type { ApiContext } from '../context.js';
import { attendeeName, invitationCalendar, meetingCalendar, type CalendarFile, type MeetingCalendarInput } from '../ical/calendar.js';
import { inviteeOf, loadCalendarInput } from '../ical/load.js';
import { MAX_REPLY_BYTES } from '../ical/reply.js';
import { invitationRights } from '../invitation-access.js';
import { createInvitationTokenVerifier, createJoinLinkSigner, type JoinLinkSigner } from '../join-links.js';
import { answerInvitation, applyReply, resolveInvitation } from '../rsvp.js';
import { IdParams, responses } from '../schemas.js';

const InvitationRow = Type.Object(
  {
    id: Id,
    meetingId: Id,
    kind: Invitation.properties.kind,
    hallId: Type.Optional(Id),
    personId: Type.Optional(Id),
    /** The hall's or the person's name. */
    name: Type.String(),
    role: Invitation.properties.role,
    rsvp: Invitation.properties.rsvp,
    delegatedTo: Type.Optional(Id),
    delegatedToName: Type.Optional(Type.String()),
    comment: Type.Optional(Type.String()),
    removed: Type.Boolean(),
    sequence: Type.Integer(),
    updatedAt: Instant,
    joinUrl: Type.Union([Type.String(), Type.Null()], { description: 'The invitee’s join link; null once the invitation was withdrawn' }),
    icsUrl: Type.String({ description: 'The invitee’s copy (.ics); needs a signed-in caller who may see it' }),
  },
  { $id: 'InvitationRow', description: 'One invitation as the secretariat sees it: who, role, answer, and the links to send' },
);
type InvitationRow = Static<typeof InvitationRow>;

const InvitationLanding = Type.Object({
  meeting: Type.Object({
    id: Id,
    title: Type.String(),
    description: Type.Optional(Type.String()),
    agenda: Type.Array(AgendaItem),
    start: Instant,
    end: Instant,
    recurrence: Type.Optional(Recurrence),
    status: Meeting.properties.status,
    sequence: Type.Integer(),
    hostHall: Type.Union([Type.String(), Type.Null()]),
  }),
  invitation: Type.Omit(InvitationRow, ['icsUrl']),
});

const TokenParams = Type.Object({ token: Type.String({ minLength: 1, maxLength: 4096, description: 'The join token of the invitation’s link' }) });
const InvitationParams = Type.Object({ id: IdParams.properties.id, invitationId: InvitationId });

const RsvpBody = Type.Object({
  response: Type.Union([Type.Literal('accepted'), Type.Literal('declined'), Type.Literal('tentative'), Type.Literal('delegated')]),
  delegateTo: Type.Optional(Id),
  comment: Type.Optional(Type.String({ maxLength: 1000 })),
});

const RSVP_OF = { accepted: 'ACCEPTED', declined: 'DECLINED', tentative: 'TENTATIVE', delegated: 'DELEGATED' } as const;

const calendarResponse = {
  description: 'An iCalendar file (RFC 5545), METHOD:REQUEST or METHOD:CANCEL',
  content: { 'text/calendar': { schema: Type.String() } },
};

/**
 * Invitations: each invitee's iCalendar copy and the organiser's, the RSVP table, and RSVP by
 * the holder of an invitation's join link (JSON, or an iCalendar REPLY).
 */
export const invitationRoutes: FastifyPluginAsyncTypebox<ApiContext> = async (app, { store, jwtSecret, publicUrl }) => {
  const links = createJoinLinkSigner(jwtSecret, publicUrl);
  const verifyToken = createInvitationTokenVerifier(jwtSecret);
  app.addSchema(InvitationRow);

  // iCalendar REPLY bodies: text, and small.
  app.addContentTypeParser('text/calendar', { parseAs: 'string', bodyLimit: MAX_REPLY_BYTES }, (_request, body, done) => done(null, body));

  const loadMeeting = async (id: string) => {
    const meeting = await store.meetings.getMeeting(id);
    if (!meeting) throw new AppError('NOT_FOUND', `No meeting ${id}`);
    return meeting;
  };

  app.get(
    '/api/meetings/:id.ics',
    {
      preHandler: requireRole(),
      schema: {
        tags: ['invitations'],
        summary: "The organiser's copy of a meeting (.ics): every attendee, no personal join link",
        security: [{ bearerAuth: [] }],
        params: IdParams,
        response: { ...responses(200, Type.String(), [401, 403, 404]), 200: calendarResponse },
      },
    },
    async (request, reply) => {
      const meeting = await loadMeeting(request.params.id);
      const input = await loadCalendarInput(store, meeting);
      // No join link in it: whoever may see the meeting may have it.
      await invitationRights(store, callerOf(request), input);
      return sendCalendar(reply, meetingCalendar(input), `${meeting.id}.ics`);
    },
  );

  app.get(
    '/api/meetings/:id/invitations/:invitationId.ics',
    {
      preHandler: requireRole(),
      schema: {
        tags: ['invitations'],
        summary: "One invitee's copy (.ics) with their join link: REQUEST, or CANCEL when the meeting was cancelled or they were taken off it",
        security: [{ bearerAuth: [] }],
        params: InvitationParams,
        response: { ...responses(200, Type.String(), [401, 403, 404]), 200: calendarResponse },
      },
    },
    async (request, reply) => {
      const meeting = await loadMeeting(request.params.id);
      const input = await loadCalendarInput(store, meeting);
      const invitation = input.invitations.find((i) => i.id === request.params.invitationId);
      const rights = await invitationRights(store, callerOf(request), input);
      if (!invitation) throw new AppError('NOT_FOUND', `Meeting ${meeting.id} has no invitation ${request.params.invitationId}`);
      if (!rights.sees(invitation)) throw new AppError('FORBIDDEN', 'This invitation is not yours to see');
      const file = invitationCalendar(input, { invitation, joinUrl: links.url(meeting, inviteeOf(input, invitation)) });
      return sendCalendar(reply, file, `${meeting.id}-${invitation.id}.ics`);
    },
  );

  app.get(
    '/api/meetings/:id/invitations',
    {
      preHandler: requireRole(),
      schema: {
        tags: ['invitations'],
        summary: 'The RSVP table of a meeting: every invitation (withdrawn ones too) with its answer and links; others than the organising secretariat see only the rows that are theirs',
        security: [{ bearerAuth: [] }],
        params: IdParams,
        response: responses(200, Type.Object({ invitations: Type.Array(Type.Ref('InvitationRow')) }), [401, 403, 404]),
      },
    },
    async (request) => {
      const meeting = await loadMeeting(request.params.id);
      const input = await loadCalendarInput(store, meeting);
      const rights = await invitationRights(store, callerOf(request), input);
      const visible = input.invitations.filter((i) => rights.sees(i));
      return { invitations: visible.map((i) => row(input, i, links, publicUrl())) };
    },
  );

  app.get(
    '/api/invitations/:token',
    {
      schema: {
        tags: ['rsvp'],
        summary: 'What an invitation link is: the meeting, the invitee and their current answer (no sign-in: the token is the key)',
        params: TokenParams,
        response: responses(200, InvitationLanding, [401, 403, 404]),
      },
    },
    async (request) => {
      const { meeting, invitation } = await resolveInvitation(store, verifyToken(request.params.token));
      const input = await loadCalendarInput(store, meeting, [invitation]);
      const { icsUrl: _icsUrl, ...invitationRow } = row(input, invitation, links, publicUrl());
      return {
        meeting: {
          id: meeting.id,
          title: meeting.title,
          ...(meeting.description ? { description: meeting.description } : {}),
          agenda: meeting.agenda,
          start: meeting.start,
          end: meeting.end,
          ...(meeting.recurrence ? { recurrence: meeting.recurrence } : {}),
          status: meeting.status,
          sequence: meeting.sequence,
          hostHall: input.halls.get(meeting.hostHallId)?.name ?? null,
        },
        invitation: invitationRow,
      };
    },
  );

  app.post(
    '/api/invitations/:token/rsvp',
    {
      schema: {
        tags: ['rsvp'],
        summary: "Answer an invitation: accept, decline, tentatively accept, or delegate to another person (who is then invited as an official)",
        params: TokenParams,
        body: RsvpBody,
        response: responses(200, Type.Object({ invitation: Type.Ref('InvitationRow') }), [400, 401, 403, 404, 409]),
      },
    },
    async (request) => {
      const claims = verifyToken(request.params.token);
      const { response, delegateTo, comment } = request.body;
      const invitation = await answerInvitation(store, claims, { state: RSVP_OF[response], delegateTo, comment: comment?.trim() || undefined });
      return { invitation: await answered(invitation) };
    },
  );

  app.post(
    '/api/invitations/:token/reply',
    {
      schema: {
        tags: ['rsvp'],
        summary: 'Answer an invitation with an iCalendar REPLY (Content-Type: text/calendar, METHOD:REPLY, the meeting’s UID, the ATTENDEE’s PARTSTAT)',
        params: TokenParams,
        consumes: ['text/calendar'],
        body: Type.String({ maxLength: MAX_REPLY_BYTES }),
        response: responses(200, Type.Object({ invitation: Type.Ref('InvitationRow') }), [400, 401, 403, 404, 409]),
      },
    },
    async (request) => {
      const claims = verifyToken(request.params.token);
      if (typeof request.body !== 'string') throw new AppError('BAD_REQUEST', 'Send the REPLY as Content-Type: text/calendar');
      const invitation = await applyReply(store, claims, request.body);
      return { invitation: await answered(invitation) };
    },
  );

  async function answered(invitation: Invitation): Promise<InvitationRow> {
    const meeting = await loadMeeting(invitation.meetingId);
    return row(await loadCalendarInput(store, meeting), invitation, links, publicUrl());
  }
};

function row(input: MeetingCalendarInput, invitation: Invitation, links: JoinLinkSigner, base: string): InvitationRow {
  const { meeting, people } = input;
  const delegate = invitation.delegatedTo ? people.get(invitation.delegatedTo) : undefined;
  return {
    id: invitation.id,
    meetingId: meeting.id,
    kind: invitation.kind,
    ...(invitation.hallId ? { hallId: invitation.hallId } : {}),
    ...(invitation.personId ? { personId: invitation.personId } : {}),
    name: attendeeName(invitation, input.halls, people),
    role: invitation.role,
    rsvp: invitation.rsvp,
    ...(invitation.delegatedTo ? { delegatedTo: invitation.delegatedTo } : {}),
    ...(delegate ? { delegatedToName: delegate.name } : {}),
    ...(invitation.comment ? { comment: invitation.comment } : {}),
    removed: invitation.removed === true,
    sequence: invitation.sequence,
    updatedAt: invitation.updatedAt,
    joinUrl: invitation.removed || meeting.status === 'cancelled' ? null : links.url(meeting, inviteeOf(input, invitation)),
    icsUrl: `${base}/api/meetings/${meeting.id}/invitations/${invitation.id}.ics`,
  };
}

function sendCalendar(reply: FastifyReply, file: CalendarFile, filename: string): string {
  void reply
    .type(`text/calendar; charset=utf-8; method=${file.method}`)
    .header('content-disposition', `attachment; filename="${filename}"`)
    // The copies carry join links: keep them out of shared caches.
    .header('cache-control', 'private, no-store');
  return file.text;
}

