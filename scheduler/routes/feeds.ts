import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError } from '../../lib/errors.js';
import type { Meeting } from '../../store/records.js';
import type { FeedSubject } from '../../store/feeds.js';
import { loadScope } from '../access/scope.js';
import { callerOf, requireRole } from '../auth/plugin.js';
import type { ApiContext } from '../context.js';
import { feedCalendar } from '../ical/calendar.js';
import { inviteeOf, loadCalendarInput } from '../ical/load.js';
import { mayUseHallFeed, mayUsePersonFeed } from '../invitation-access.js';
import { createJoinLinkSigner } from '../join-links.js';
import { IdParams, responses } from '../schemas.js';
import { hallInvitationId, personInvitationId } from '../../store/meetings.js';

const FeedAddress = Type.Object({
  https: Type.String({ description: 'The feed for calendar apps that take an http(s) address' }),
  webcal: Type.String({ description: 'The same feed as webcal://, which opens a subscription in most calendar apps' }),
});
const FeedQuery = Type.Object({ token: Type.String({ minLength: 1, maxLength: 200, description: 'The secret feed token' }) });
const feedResponse = {
  description: 'An iCalendar feed (RFC 5545): the upcoming meetings, cancelled ones as STATUS:CANCELLED',
  content: { 'text/calendar': { schema: Type.String() } },
};

const KINDS = { people: 'person', halls: 'hall' } as const;

/**
 * Calendar feeds (issue 3 §8): every person and hall has a secret token that opens a feed of
 * its upcoming meetings with no sign-in, for calendar subscriptions. The signed-in owner (or who
 * manages them) reads the address and may rotate the token.
 */
export const feedRoutes: FastifyPluginAsyncTypebox<ApiContext> = async (app, { store, jwtSecret, publicUrl }) => {
  const links = createJoinLinkSigner(jwtSecret, publicUrl);

  const address = (plural: keyof typeof KINDS, id: string, token: string) => {
    const https = `${publicUrl()}/api/feeds/${plural}/${id}.ics?token=${encodeURIComponent(token)}`;
    return { https, webcal: https.replace(/^https?:\/\//, 'webcal://') };
  };

  /** The subject, after checking the signed-in caller may hold its feed address. */
  const ownedSubject = async (plural: keyof typeof KINDS, id: string, caller: ReturnType<typeof callerOf>): Promise<FeedSubject> => {
    const scope = await loadScope(store, caller);
    if (plural === 'people') {
      const person = await store.directory.getPerson(id);
      if (!person) throw new AppError('NOT_FOUND', `No person ${id}`);
      if (!mayUsePersonFeed(scope, person)) throw new AppError('FORBIDDEN', "This person's feed is not yours");
    } else {
      const hall = await store.directory.getHall(id);
      if (!hall) throw new AppError('NOT_FOUND', `No hall ${id}`);
      if (!mayUseHallFeed(scope, hall)) throw new AppError('FORBIDDEN', "This hall's feed is not yours");
    }
    return { kind: KINDS[plural], id };
  };

  for (const plural of Object.keys(KINDS) as (keyof typeof KINDS)[]) {
    const what = plural === 'people' ? 'person' : 'hall';

    app.get(
      `/api/feeds/${plural}/:id.ics`,
      {
        schema: {
          tags: ['feeds'],
          summary: `The calendar feed of a ${what}: its upcoming meetings (the token is the key; no sign-in)`,
          params: IdParams,
          querystring: FeedQuery,
          response: { ...responses(200, Type.String(), [401, 403, 404]), 200: feedResponse },
        },
      },
      async (request, reply) => {
        const { id } = request.params;
        const subject = await store.feeds.subjectOf(request.query.token);
        if (!subject) throw new AppError('UNAUTHORIZED', 'The feed token is wrong or was replaced: ask for the feed address again');
        if (subject.kind !== KINDS[plural] || subject.id !== id) throw new AppError('FORBIDDEN', `This token opens another feed, not this ${what}'s`);
        const name =
          plural === 'people' ? (await store.directory.getPerson(id))?.name : (await store.directory.getHall(id))?.name;
        if (name === undefined) throw new AppError('NOT_FOUND', `No ${what} ${id}`);
        const now = Date.now();
        const meetings: Meeting[] = await store.meetings.listMeetings({
          from: now,
          ...(plural === 'people' ? { personId: id } : { hallIds: [id] }),
          includeRemoved: true,
        });
        const ownId = plural === 'people' ? personInvitationId(id) : hallInvitationId(id);
        const entries = await Promise.all(
          meetings.map(async (meeting) => {
            const input = await loadCalendarInput(store, meeting);
            const own = input.invitations.find((i) => i.id === ownId);
            return { input, copy: own ? { invitation: own, joinUrl: links.url(meeting, inviteeOf(input, own)) } : undefined };
          }),
        );
        const file = feedCalendar(`Lịch họp: ${name}`, entries, new Date(now));
        void reply
          .type('text/calendar; charset=utf-8')
          .header('content-disposition', `inline; filename="${what}-${id}.ics"`)
          .header('cache-control', 'private, no-store');
        return file.text;
      },
    );

    app.get(
      `/api/feeds/${plural}/:id`,
      {
        preHandler: requireRole(),
        schema: {
          tags: ['feeds'],
          summary: `The secret feed address of a ${what} (made on first request)`,
          security: [{ bearerAuth: [] }],
          params: IdParams,
          response: responses(200, FeedAddress, [401, 403, 404]),
        },
      },
      async (request) => {
        const subject = await ownedSubject(plural, request.params.id, callerOf(request));
        return address(plural, subject.id, await store.feeds.tokenFor(subject));
      },
    );

    app.post(
      `/api/feeds/${plural}/:id/rotate`,
      {
        preHandler: requireRole(),
        schema: {
          tags: ['feeds'],
          summary: `A new feed address for a ${what}; the old one stops working`,
          security: [{ bearerAuth: [] }],
          params: IdParams,
          response: responses(200, FeedAddress, [401, 403, 404]),
        },
      },
      async (request) => {
        const subject = await ownedSubject(plural, request.params.id, callerOf(request));
        return address(plural, subject.id, await store.feeds.rotate(subject));
      },
    );
  }
};
