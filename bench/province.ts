/** The benchmarks' province: the Phú Thọ demo cut or padded to a number of halls, in a running server's store. */
import { demoProvince } from '../scheduler/demo-province.js';
import type { DiemcauServer } from '../server.js';
import { adminApi } from '../test/helpers/admin-api.js';
import type { Hall, Unit } from '../store/records.js';

/**
 * The demo province (real names) with exactly `sites` halls: the province hall, the districts'
 * halls, then communes in the demo's order, padded with made-up communes past the demo's 239.
 */
export async function seedProvince(server: DiemcauServer, sites: number): Promise<number> {
  const demo = demoProvince();
  const root = await server.store.directory.getUnit('province');
  if (!root) throw new Error('the bootstrap made no root unit');
  const districts = demo.units.filter((u) => u.parentId === 'province');
  const communes = demo.units.filter((u) => u.parentId !== 'province');
  for (let i = 0; communes.length + districts.length + 1 < sites; i++) {
    const district = districts[i % districts.length] as Unit;
    communes.push({ ...district, id: `${district.id}-x${i + 1}`, name: `Xã Bổ Sung ${i + 1}`, kind: 'commune', parentId: district.id });
  }
  const units = [...districts, ...communes].slice(0, sites - 1);
  const kept = new Set([root.id, ...units.map((u) => u.id)]);
  const hallOf = new Map(demo.halls.map((h) => [h.unitId, h]));
  const people = demo.people.filter((p) => kept.has(p.unitId));
  const operators = new Set(people.map((p) => p.id));
  const halls: Hall[] = [...kept].map((unitId) => {
    const hall = hallOf.get(unitId);
    const unit = units.find((u) => u.id === unitId);
    if (hall) return { ...hall, operatorId: hall.operatorId && operators.has(hall.operatorId) ? hall.operatorId : null };
    const now = new Date().toISOString();
    return { id: `hall-${unitId}`, name: `Điểm cầu ${unit?.name ?? unitId}`, unitId, operatorId: null, createdAt: now, updatedAt: now };
  });
  await server.store.directory.importRecords({ units: [{ ...root, name: demo.root.name, kind: demo.root.kind }, ...units], halls, people });
  return halls.length;
}

/** The province's chairman in the demo directory: he chairs the benchmarks' meeting. */
export const CHAIR_ID = 'p-chutich-tinh';

export interface ProvinceMeeting {
  /** Halls in the province. */
  halls: number;
  meetingId: string;
  /** Invitations the meeting sent (halls and the chair). */
  invitations: number;
  chairToken: string;
  siteTokens: string[];
}

/**
 * The province seeded with `sites` halls and one meeting over all of them, starting in a minute for
 * two hours, chaired by CHAIR_ID in the province hall; with the join tokens of its invitations.
 */
export async function provinceMeeting(server: DiemcauServer, sites: number, title: string): Promise<ProvinceMeeting> {
  const halls = await seedProvince(server, sites);
  const api = await adminApi(server);
  const start = new Date(Date.now() + 60_000);
  const created = await api.call('POST', '/api/meetings', {
    title,
    agenda: [{ title: 'Khai mạc' }],
    start: start.toISOString(),
    end: new Date(start.getTime() + 2 * 3600_000).toISOString(),
    chairId: CHAIR_ID,
    hostHallId: 'hall-province',
    sites: { unitIds: ['province'] },
  });
  if (created.statusCode !== 201) throw new Error(`schedule: ${created.statusCode} ${created.body}`);
  const meetingId = (created.json() as { id: string }).id;
  const tokens = await api.tokens(meetingId);
  const chairToken = tokens.get(`p-${CHAIR_ID}`);
  if (!chairToken) throw new Error(`no invitation for the chair ${CHAIR_ID}`);
  const siteTokens = [...tokens].filter(([id]) => id.startsWith('h-')).map(([, token]) => token);
  return { halls, meetingId, invitations: tokens.size, chairToken, siteTokens };
}
