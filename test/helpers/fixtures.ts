import { hashPassword } from '../../scheduler/auth/password.js';
import type { AccountRole, Hall, Person, Unit } from '../../store/records.js';
import type { Store } from '../../store/store.js';

export const FIXTURE_PASSWORD = 'fixture-password';

export interface Province {
  root: Unit;
  /** district units, each with its communes */
  districts: { unit: Unit; hall: Hall; communes: { unit: Unit; hall: Hall }[] }[];
  rootHall: Hall;
  /** username → person, every one with FIXTURE_PASSWORD */
  accounts: Record<string, Person>;
  units: Unit[];
  halls: Hall[];
  people: Person[];
}

/**
 * A small province written straight into the store (no API): the root unit "province" (made
 * by bootstrap), `districts` districts d1…dN with `communes` communes each (d1-c1…), a hall per
 * unit (hall-<unitId>), and accounts:
 *   sec-province (secretariat, root), sec-d1… (secretariat of each district),
 *   op-<unitId> (operator of that unit's hall), off-<unitId> (official in that unit).
 * With `districts: 0` it is a two-level province: communes c1…cN straight under the root.
 */
export async function seedProvince(store: Store, options: { districts?: number; communes?: number } = {}): Promise<Province> {
  const now = new Date().toISOString();
  const stamp = { createdAt: now, updatedAt: now };
  const root = (await store.directory.getUnit('province')) as Unit;
  const units: Unit[] = [];
  const halls: Hall[] = [];
  const people: Person[] = [];
  const accounts: Record<string, Person> = {};
  const person = (id: string, name: string, unitId: string, roles: AccountRole[]): Person => {
    const p: Person = { id, name, unitId, username: id, roles, ...stamp };
    people.push(p);
    accounts[id] = p;
    return p;
  };
  const hallFor = (unit: Unit): Hall => {
    const operator = person(`op-${unit.id}`, `Kỹ thuật ${unit.name}`, unit.id, ['operator']);
    const hall: Hall = { id: `hall-${unit.id}`, name: `Điểm cầu ${unit.name}`, unitId: unit.id, operatorId: operator.id, ...stamp };
    halls.push(hall);
    person(`off-${unit.id}`, `Lãnh đạo ${unit.name}`, unit.id, ['official']);
    return hall;
  };
  const unit = (id: string, name: string, kind: string, parentId: string): Unit => {
    const u: Unit = { id, name, kind, parentId, ...stamp };
    units.push(u);
    return u;
  };
  person('sec-province', 'Văn phòng UBND tỉnh', root.id, ['secretariat']);
  const rootHall = hallFor(root);
  const districts: Province['districts'] = [];
  const districtCount = options.districts ?? 2;
  const communeCount = options.communes ?? 3;
  if (districtCount === 0) {
    const communes = Array.from({ length: communeCount }, (_, j) => {
      const c = unit(`c${j + 1}`, `Xã ${j + 1}`, 'commune', root.id);
      return { unit: c, hall: hallFor(c) };
    });
    districts.push({ unit: root, hall: rootHall, communes });
  }
  for (let i = 1; i <= districtCount; i++) {
    const d = unit(`d${i}`, `Huyện ${i}`, 'district', root.id);
    person(`sec-d${i}`, `Văn phòng Huyện ${i}`, d.id, ['secretariat']);
    const hall = hallFor(d);
    const communes = Array.from({ length: communeCount }, (_, j) => {
      const c = unit(`d${i}-c${j + 1}`, `Xã ${j + 1} Huyện ${i}`, 'commune', d.id);
      return { unit: c, hall: hallFor(c) };
    });
    districts.push({ unit: d, hall, communes });
  }
  const hash = await hashPassword(FIXTURE_PASSWORD);
  await store.directory.importRecords({ units, halls, people, passwordHashes: Object.fromEntries(people.map((p) => [p.id, hash])) });
  return { root, districts, rootHall, accounts, units: [root, ...units], halls, people };
}
