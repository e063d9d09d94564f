/** The benchmarks' province: the Phú Thọ demo cut or padded to a number of halls, in a running server's store. */
import { demoProvince } from '../scheduler/demo-province.js';
import type { DiemcauServer } from '../server.js';
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
