import type { LightMyRequestResponse } from 'fastify';
import type { ApiHarness } from '../helpers/api.js';

/** Shared by the meeting tests: request bodies and calls, with times written in Hanoi local time. */

/** '2030-12-02T08:00' → '2030-12-02T08:00:00+07:00' */
export const hanoi = (local: string): string => `${local}:00+07:00`;

export interface MeetingBody {
  title?: string;
  description?: string;
  agenda?: { title: string; presenter?: string; minutes?: number }[];
  start?: string;
  end?: string;
  recurrence?: Record<string, unknown> | null;
  chairId?: string;
  hostHallId?: string;
  sites?: { hallIds?: string[]; unitIds?: string[] };
  invitedPersonIds?: string[];
  secretaryIds?: string[];
  [extra: string]: unknown;
}

/** A province meeting on 2 Dec 2030, 08:00–10:00 Hanoi time, in the province hall, chaired by the province's official. */
export function meetingBody(overrides: MeetingBody = {}): MeetingBody {
  return {
    title: 'Giao ban tháng 12',
    agenda: [{ title: 'Tình hình kinh tế - xã hội', presenter: 'Sở KH&ĐT', minutes: 30 }],
    start: hanoi('2030-12-02T08:00'),
    end: hanoi('2030-12-02T10:00'),
    chairId: 'off-province',
    hostHallId: 'hall-province',
    ...overrides,
  };
}

export function postMeeting(api: ApiHarness, token: string, body: MeetingBody): Promise<LightMyRequestResponse> {
  return api.request(token, { method: 'POST', url: '/api/meetings', payload: body });
}

export function patchMeeting(api: ApiHarness, token: string, id: string, body: MeetingBody): Promise<LightMyRequestResponse> {
  return api.request(token, { method: 'PATCH', url: `/api/meetings/${id}`, payload: body });
}

export function getMeeting(api: ApiHarness, token: string, id: string, query = ''): Promise<LightMyRequestResponse> {
  return api.request(token, { method: 'GET', url: `/api/meetings/${id}${query}` });
}

/** Ids of the meetings GET /api/meetings lists for `query`, sorted. */
export async function listIds(api: ApiHarness, token: string, query = ''): Promise<string[]> {
  const r = await api.request(token, { method: 'GET', url: `/api/meetings${query}` });
  if (r.statusCode !== 200) throw new Error(`list ${query}: ${r.statusCode} ${r.body}`);
  return (r.json() as { meetings: { id: string }[] }).meetings.map((m) => m.id).sort();
}

/** Creates a meeting and returns its id; throws with the answer when refused. */
export async function createMeeting(api: ApiHarness, token: string, body: MeetingBody): Promise<string> {
  const r = await postMeeting(api, token, body);
  if (r.statusCode !== 201) throw new Error(`create: ${r.statusCode} ${r.body}`);
  return (r.json() as { id: string }).id;
}
