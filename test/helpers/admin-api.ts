/** The whole server's API as the admin (TEST_ADMIN): tests and benches schedule meetings and read their links with it. */
import type { DiemcauServer } from '../../server.js';
import { TEST_ADMIN } from './config.js';

/** The agenda of every meeting adminApi schedules. */
export const MEETING_AGENDA = [
  { title: 'Báo cáo tình hình kinh tế - xã hội', presenter: 'Sở Kế hoạch và Đầu tư' },
  { title: 'Phòng chống thiên tai' },
  { title: 'Ý kiến các địa phương' },
];

export async function adminApi(server: DiemcauServer) {
  const login = await server.app.inject({ method: 'POST', url: '/api/auth/login', payload: TEST_ADMIN });
  if (login.statusCode !== 200) throw new Error(`login: ${login.statusCode} ${login.body}`);
  const admin = (login.json() as { token: string }).token;
  const api = (method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: object) =>
    server.app.inject({ method, url, headers: { authorization: `Bearer ${admin}` }, ...(payload ? { payload } : {}) });

  return {
    /** The API as the admin. */
    call: api,
    /** Schedules a meeting starting in a minute (or at `start`), for two hours; returns its id. */
    async schedule(body: {
      title?: string;
      hostHallId?: string;
      siteHallIds?: string[];
      secretaryIds?: string[];
      invitedPersonIds?: string[];
      start?: Date;
      recurrence?: object;
    }) {
      const start = body.start ?? new Date(Date.now() + 60_000);
      const r = await api('POST', '/api/meetings', {
        ...(body.recurrence ? { recurrence: body.recurrence } : {}),
        title: body.title ?? 'Giao ban trực tuyến',
        agenda: MEETING_AGENDA,
        start: start.toISOString(),
        end: new Date(start.getTime() + 2 * 3600_000).toISOString(),
        chairId: 'off-province',
        hostHallId: body.hostHallId ?? 'hall-province',
        sites: { hallIds: body.siteHallIds ?? [] },
        ...(body.secretaryIds ? { secretaryIds: body.secretaryIds } : {}),
        ...(body.invitedPersonIds ? { invitedPersonIds: body.invitedPersonIds } : {}),
      });
      if (r.statusCode !== 201) throw new Error(`schedule: ${r.statusCode} ${r.body}`);
      return (r.json() as { id: string }).id;
    },
    /** The join tokens of a meeting's invitations, by invitation id (h-<hallId>, p-<personId>). */
    async tokens(meetingId: string): Promise<Map<string, string>> {
      const r = await api('GET', `/api/meetings/${meetingId}/invitations`);
      if (r.statusCode !== 200) throw new Error(`invitations: ${r.statusCode} ${r.body}`);
      const rows = (r.json() as { invitations: { id: string; joinUrl: string | null }[] }).invitations;
      return new Map(rows.flatMap((row) => (row.joinUrl ? [[row.id, new URL(row.joinUrl).searchParams.get('token') as string] as const] : [])));
    },
  };
}
