import type { AccountRole, Hall, Person, Unit } from '../store/records.js';
import type { Store } from '../store/store.js';
import { hashPassword } from './auth/password.js';

/**
 * A demo province for trying the scheduler: Phú Thọ as it was before 1 July 2025 (the province,
 * 13 district-level units, 225 communes, wards and townships) or, with `twoLevel`, as it is
 * since (the province straight over 148 communes and wards). Names are real where known and
 * made-up-but-plausible elsewhere; ids are fixed (d01, d01-c001, c001…) so loading twice
 * changes nothing. A hall per unit, and a few dozen people with accounts.
 */

export interface DemoAccount {
  username: string;
  role: AccountRole;
  unitName: string;
  personName: string;
}

export interface DemoProvince {
  /** The root unit (id "province", made by the bootstrap), renamed. */
  root: Unit;
  /** Every unit below the root. */
  units: Unit[];
  halls: Hall[];
  people: Person[];
  accounts: DemoAccount[];
}

export const DEMO_PROVINCE_NAME = 'Tỉnh Phú Thọ';
export const DEFAULT_DEMO_PASSWORD = 'phutho-demo';

// "P:" a ward (phường), "TT:" a township (thị trấn), otherwise a commune (xã).
const DISTRICTS: { slug: string; name: string; count: number; places: string[] }[] = [
  { slug: 'viettri', name: 'Thành phố Việt Trì', count: 24, places: ['P:Bạch Hạc', 'P:Bến Gót', 'P:Dữu Lâu', 'P:Gia Cẩm', 'P:Minh Nông', 'P:Minh Phương', 'P:Nông Trang', 'P:Tân Dân', 'P:Thanh Miếu', 'P:Thọ Sơn', 'P:Tiên Cát', 'P:Vân Cơ', 'P:Vân Phú', 'Chu Hóa', 'Hùng Lô', 'Hy Cương', 'Kim Đức', 'Phượng Lâu', 'Sông Lô', 'Tân Đức', 'Thanh Đình', 'Thụy Vân', 'Trưng Vương'] },
  { slug: 'phutho', name: 'Thị xã Phú Thọ', count: 10, places: ['P:Âu Cơ', 'P:Hùng Vương', 'P:Phong Châu', 'P:Thanh Vinh', 'P:Trường Thịnh', 'Hà Lộc', 'Hà Thạch', 'Phú Hộ', 'Thanh Minh', 'Văn Lung'] },
  { slug: 'doanhung', name: 'Huyện Đoan Hùng', count: 21, places: ['TT:Đoan Hùng', 'Bằng Doãn', 'Bằng Luân', 'Ca Đình', 'Chân Mộng', 'Chí Đám', 'Hùng Long', 'Hùng Xuyên', 'Hợp Nhất', 'Minh Lương', 'Minh Phú', 'Minh Tiến', 'Ngọc Quan', 'Nghinh Xuyên', 'Phong Phú', 'Phú Lâm', 'Phúc Lai', 'Quế Lâm', 'Sóc Đăng', 'Tây Cốc', 'Vân Du', 'Vân Đồn', 'Yên Kiện'] },
  { slug: 'hahoa', name: 'Huyện Hạ Hòa', count: 20, places: ['TT:Hạ Hòa', 'Ấm Hạ', 'Bằng Giã', 'Đại Phạm', 'Đan Thượng', 'Gia Điền', 'Hà Lương', 'Hiền Lương', 'Hương Xạ', 'Lang Sơn', 'Minh Côi', 'Minh Hạc', 'Phương Viên', 'Tứ Hiệp', 'Văn Lang', 'Vĩnh Chân', 'Vô Tranh', 'Xuân Áng', 'Yên Kỳ', 'Yên Luật'] },
  { slug: 'thanhba', name: 'Huyện Thanh Ba', count: 19, places: ['TT:Thanh Ba', 'Chí Tiên', 'Đại An', 'Đông Lĩnh', 'Đông Thành', 'Đỗ Sơn', 'Đỗ Xuyên', 'Hanh Cù', 'Hoàng Cương', 'Khải Xuân', 'Lương Lỗ', 'Mạn Lạn', 'Năng Yên', 'Ninh Dân', 'Quảng Yên', 'Sơn Cương', 'Thái Ninh', 'Thanh Hà', 'Vân Lĩnh', 'Võ Lao', 'Yển Khê'] },
  { slug: 'phuninh', name: 'Huyện Phù Ninh', count: 16, places: ['TT:Phong Châu', 'An Đạo', 'Bảo Thanh', 'Bình Phú', 'Gia Thanh', 'Hạ Giáp', 'Lệ Mỹ', 'Liên Hoa', 'Phú Lộc', 'Phú Mỹ', 'Phú Nham', 'Phù Ninh', 'Tiên Du', 'Tiên Phú', 'Trạm Thản', 'Trị Quận', 'Trung Giáp'] },
  { slug: 'yenlap', name: 'Huyện Yên Lập', count: 16, places: ['TT:Yên Lập', 'Đồng Lạc', 'Đồng Thịnh', 'Hưng Long', 'Lương Sơn', 'Minh Hòa', 'Mỹ Lung', 'Mỹ Lương', 'Nga Hoàng', 'Ngọc Đồng', 'Ngọc Lập', 'Phúc Khánh', 'Thượng Long', 'Trung Sơn', 'Xuân An', 'Xuân Thủy', 'Xuân Viên'] },
  { slug: 'camkhe', name: 'Huyện Cẩm Khê', count: 24, places: ['TT:Cẩm Khê', 'Cấp Dẫn', 'Chương Xá', 'Điêu Lương', 'Đồng Cam', 'Đồng Lương', 'Hiền Đa', 'Hùng Việt', 'Minh Tân', 'Ngô Xá', 'Nhật Tiến', 'Phú Khê', 'Phú Lạc', 'Phùng Xá', 'Phượng Vĩ', 'Sơn Tình', 'Tạ Xá', 'Tam Sơn', 'Thụy Liễu', 'Tiên Lương', 'Tình Cương', 'Tuy Lộc', 'Văn Bán', 'Văn Khúc', 'Xương Thịnh', 'Yên Tập'] },
  { slug: 'tamnong', name: 'Huyện Tam Nông', count: 12, places: ['TT:Hưng Hóa', 'Bắc Sơn', 'Dân Quyền', 'Dị Nậu', 'Hiền Quan', 'Hương Nộn', 'Lam Sơn', 'Quang Húc', 'Tề Lễ', 'Thanh Uyên', 'Thọ Văn', 'Vạn Xuân'] },
  { slug: 'lamthao', name: 'Huyện Lâm Thao', count: 12, places: ['TT:Lâm Thao', 'TT:Hùng Sơn', 'Bản Nguyên', 'Cao Xá', 'Phùng Nguyên', 'Sơn Vi', 'Thạch Sơn', 'Tiên Kiên', 'Tứ Xã', 'Vĩnh Lại', 'Xuân Huy', 'Xuân Lũng'] },
  { slug: 'thanhson', name: 'Huyện Thanh Sơn', count: 23, places: ['TT:Thanh Sơn', 'Cự Đồng', 'Cự Thắng', 'Địch Quả', 'Giáp Lai', 'Hương Cần', 'Khả Cửu', 'Lương Nha', 'Sơn Hùng', 'Tân Lập', 'Tân Minh', 'Tất Thắng', 'Thạch Khoán', 'Thắng Sơn', 'Thục Luyện', 'Thượng Cửu', 'Tinh Nhuệ', 'Văn Miếu', 'Võ Miếu', 'Yên Lãng', 'Yên Lương', 'Yên Sơn', 'Đông Cửu'] },
  { slug: 'thanhthuy', name: 'Huyện Thanh Thủy', count: 11, places: ['TT:Thanh Thủy', 'Bảo Yên', 'Đào Xá', 'Đoan Hạ', 'Đồng Trung', 'Hoàng Xá', 'Sơn Thủy', 'Tân Phương', 'Thạch Đồng', 'Tu Vũ', 'Xuân Lộc'] },
  { slug: 'tanson', name: 'Huyện Tân Sơn', count: 17, places: ['Đồng Sơn', 'Kiệt Sơn', 'Kim Thượng', 'Lai Đồng', 'Long Cốc', 'Minh Đài', 'Mỹ Thuận', 'Tam Thanh', 'Tân Phú', 'Tân Sơn', 'Thạch Kiệt', 'Thu Cúc', 'Thu Ngạc', 'Văn Luông', 'Vinh Tiền', 'Xuân Đài', 'Xuân Sơn'] },
];

// Since 1 July 2025: 15 wards and 133 communes straight under the province.
const TWO_LEVEL = {
  count: 148,
  places: [
    ...['Việt Trì', 'Nông Trang', 'Thanh Miếu', 'Vân Phú', 'Phong Châu', 'Phú Thọ', 'Âu Cơ', 'Vĩnh Phúc', 'Vĩnh Yên', 'Phúc Yên', 'Xuân Hòa', 'Hòa Bình', 'Kỳ Sơn', 'Tân Hòa', 'Thống Nhất'].map((p) => `P:${p}`),
    'Hy Cương', 'Lâm Thao', 'Xuân Lũng', 'Phùng Nguyên', 'Bản Nguyên', 'Phù Ninh', 'Dân Chủ', 'Phú Mỹ', 'Trạm Thản', 'Bình Phú', 'Thanh Ba', 'Quảng Yên',
    'Hoàng Cương', 'Đông Thành', 'Chí Tiên', 'Liên Minh', 'Đoan Hùng', 'Tây Cốc', 'Chân Mộng', 'Chí Đám', 'Bằng Luân', 'Hạ Hòa', 'Đan Thượng', 'Yên Kỳ',
    'Vĩnh Chân', 'Văn Lang', 'Hiền Lương', 'Cẩm Khê', 'Phú Khê', 'Hùng Việt', 'Đồng Lương', 'Tiên Lương', 'Vân Bán', 'Tam Nông', 'Thọ Văn', 'Vạn Xuân',
    'Hiền Quan', 'Thanh Thủy', 'Đào Xá', 'Tu Vũ', 'Thanh Sơn', 'Võ Miếu', 'Văn Miếu', 'Cự Đồng', 'Hương Cần', 'Yên Sơn', 'Khả Cửu', 'Tân Sơn',
    'Minh Đài', 'Lai Đồng', 'Thu Cúc', 'Xuân Đài', 'Long Cốc', 'Yên Lập', 'Thượng Long', 'Sơn Lương', 'Xuân Viên', 'Minh Hòa', 'Tam Đảo', 'Đại Đình',
    'Đạo Trù', 'Tam Dương', 'Hội Thịnh', 'Hoàng An', 'Tam Dương Bắc', 'Vĩnh Tường', 'Thổ Tang', 'Vĩnh Hưng', 'Vĩnh An', 'Vĩnh Phú', 'Vĩnh Thành', 'Yên Lạc',
    'Tề Lỗ', 'Liên Châu', 'Tam Hồng', 'Nguyệt Đức', 'Bình Nguyên', 'Xuân Lãng', 'Bình Xuyên', 'Bình Tuyền', 'Lập Thạch', 'Thái Hòa', 'Liên Hòa', 'Hợp Lý',
    'Sơn Đông', 'Tiên Lữ', 'Sông Lô', 'Hải Lựu', 'Yên Lãng', 'Lương Sơn', 'Cao Dương', 'Liên Sơn', 'Nhuận Trạch', 'Kim Bôi', 'Hợp Kim', 'Nật Sơn',
    'Cao Phong', 'Mường Thàng', 'Thung Nai', 'Đà Bắc', 'Cao Sơn', 'Đức Nhàn', 'Tân Pheo', 'Tiền Phong', 'Lạc Sơn', 'Mường Vang', 'Đại Đồng', 'Ngọc Sơn',
    'Nhân Nghĩa', 'Quyết Thắng', 'Thượng Cốc', 'Yên Phú', 'Lạc Thủy', 'An Bình', 'An Nghĩa', 'Mai Châu', 'Bao La', 'Mai Hạ', 'Pà Cò', 'Tân Mai',
    'Tân Lạc', 'Mường Bi', 'Mường Hoa', 'Toàn Thành', 'Vân Sơn', 'Yên Thủy', 'Lạc Lương', 'Yên Trị',
  ],
};

// Plausible names for the places the lists above do not name.
const FIRST = ['Tân', 'Đồng', 'Phú', 'Minh', 'Xuân', 'Hòa', 'Vĩnh', 'Thạch', 'Yên', 'Hương', 'Quang', 'Tiên', 'Văn', 'Ngọc', 'Kim', 'Trung', 'Hợp', 'Liên', 'Cao', 'Hiền'];
const SECOND = ['Lập', 'Tiến', 'Thành', 'Lộc', 'Phong', 'Hưng', 'An', 'Cường', 'Lương', 'Xuyên', 'Khê', 'Đức', 'Mỹ', 'Thịnh', 'Nghĩa', 'Long', 'Phúc', 'Hà', 'Bình', 'Trạch'];

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Phan', 'Vũ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý', 'Đinh'];
const MEN = { middle: ['Văn', 'Đức', 'Minh', 'Quang', 'Hữu', 'Xuân', 'Mạnh'], given: ['Hùng', 'Dũng', 'Tuấn', 'Sơn', 'Long', 'Nam', 'Phong', 'Hải', 'Cường', 'Bình', 'Quân', 'Thắng', 'Khánh'] };
const WOMEN = { middle: ['Thị', 'Thu', 'Thanh', 'Hồng', 'Ngọc', 'Kim', 'Thúy'], given: ['Lan', 'Hương', 'Mai', 'Hà', 'Thảo', 'Trang', 'Yến', 'Linh', 'Nga', 'Hạnh', 'Hoa'] };

function placeNames(listed: readonly string[], count: number, used: Set<string>): { name: string; kind: string }[] {
  const picked: string[] = [];
  for (const place of listed) {
    if (picked.length === count) break;
    if (!used.has(place)) picked.push(place);
    used.add(place);
  }
  for (let i = 0; picked.length < count; i++) {
    const candidate = `${FIRST[i % FIRST.length]} ${SECOND[(i * 7 + Math.floor(i / FIRST.length)) % SECOND.length]}`;
    if (i >= FIRST.length * SECOND.length * 4) throw new Error('ran out of made-up place names');
    if (used.has(candidate)) continue;
    used.add(candidate);
    picked.push(candidate);
  }
  return picked.map((p) => {
    if (p.startsWith('P:')) return { name: `Phường ${p.slice(2)}`, kind: 'ward' };
    if (p.startsWith('TT:')) return { name: `Thị trấn ${p.slice(3)}`, kind: 'township' };
    return { name: `Xã ${p}`, kind: 'commune' };
  });
}

/** "Thành phố Việt Trì" → "viettri": for usernames. */
export function slug(name: string): string {
  return name
    .replace(/^(Thành phố|Thị xã|Thị trấn|Huyện|Phường|Xã)\s+/u, '')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
}

/** The records of the demo province; pure (the same input gives the same records). */
export function demoProvince(options: { twoLevel?: boolean; now?: string } = {}): DemoProvince {
  const now = options.now ?? new Date().toISOString();
  const stamp = { createdAt: now, updatedAt: now };
  const root: Unit = { id: 'province', name: DEMO_PROVINCE_NAME, kind: 'province', parentId: null, ...stamp };
  const units: Unit[] = [];
  const halls: Hall[] = [];
  const people: Person[] = [];
  const accounts: DemoAccount[] = [];
  let nth = 0;
  const personName = () => {
    const i = nth++;
    const names = i % 3 === 1 ? WOMEN : MEN;
    return `${FAMILY[i % FAMILY.length]} ${names.middle[(i * 5) % names.middle.length]} ${names.given[(i * 7) % names.given.length]}`;
  };
  const hallOf = new Map<string, Hall>();
  const addHall = (unit: Unit, name: string) => {
    const hall: Hall = { id: `hall-${unit.id}`, name, unitId: unit.id, operatorId: null, location: `Trụ sở ${unitAuthority(unit)}`, ...stamp };
    halls.push(hall);
    hallOf.set(unit.id, hall);
  };
  const addPerson = (unit: Unit, username: string, role: AccountRole, title: string) => {
    const name = personName();
    const person: Person = { id: `p-${username.replace(/\./g, '-')}`, name, title, unitId: unit.id, username, roles: [role], ...stamp };
    people.push(person);
    accounts.push({ username, role, unitName: unit.name, personName: name });
    if (role === 'operator') (hallOf.get(unit.id) as Hall).operatorId = person.id;
    return person;
  };

  addHall(root, 'Hội trường UBND tỉnh');
  addPerson(root, 'chutich.tinh', 'official', 'Chủ tịch UBND tỉnh');
  addPerson(root, 'phochutich.tinh', 'official', 'Phó Chủ tịch UBND tỉnh');
  addPerson(root, 'vp.tinh', 'secretariat', 'Chánh Văn phòng UBND tỉnh');
  addPerson(root, 'thuky.tinh', 'secretariat', 'Chuyên viên Văn phòng UBND tỉnh');
  addPerson(root, 'kythuat.tinh', 'operator', 'Kỹ thuật viên Trung tâm Tin học - Công báo');

  const used = new Set<string>();
  const commune = (id: string, place: { name: string; kind: string }, parent: Unit) => {
    const unit: Unit = { id, name: place.name, kind: place.kind, parentId: parent.id, ...stamp };
    units.push(unit);
    addHall(unit, `Điểm cầu ${place.name}`);
    return unit;
  };

  if (options.twoLevel) {
    placeNames(TWO_LEVEL.places, TWO_LEVEL.count, used).forEach((place, i) => {
      const unit = commune(`c${pad(i + 1)}`, place, root);
      // Accounts for the first dozen: enough to try every role without a wall of passwords.
      if (i < 12) {
        const s = slug(unit.name);
        addPerson(unit, `vp.${s}`, 'secretariat', `Văn phòng HĐND và UBND ${inSentence(unit.name)}`);
        addPerson(unit, `kt.${s}`, 'operator', 'Kỹ thuật viên điểm cầu');
        addPerson(unit, `ct.${s}`, 'official', `Chủ tịch UBND ${inSentence(unit.name)}`);
      }
    });
    return { root, units, halls, people, accounts };
  }

  DISTRICTS.forEach((d, i) => {
    const district: Unit = { id: `d${String(i + 1).padStart(2, '0')}`, name: d.name, kind: 'district', parentId: root.id, ...stamp };
    units.push(district);
    addHall(district, `Hội trường UBND ${inSentence(d.name)}`);
    addPerson(district, `vp.${d.slug}`, 'secretariat', `Văn phòng HĐND và UBND ${inSentence(d.name)}`);
    addPerson(district, `kt.${d.slug}`, 'operator', 'Kỹ thuật viên điểm cầu');
    addPerson(district, `ct.${d.slug}`, 'official', `Chủ tịch UBND ${inSentence(d.name)}`);
    placeNames(d.places, d.count, used).forEach((place, j) => {
      const unit = commune(`${district.id}-c${pad(j + 1)}`, place, district);
      if (i === 0 && j < 3) {
        addPerson(unit, `kt.${unit.id}`, 'operator', 'Kỹ thuật viên điểm cầu');
        addPerson(unit, `ct.${unit.id}`, 'official', `Chủ tịch UBND ${inSentence(unit.name)}`);
      }
    });
  });
  return { root, units, halls, people, accounts };
}

function pad(n: number): string {
  return String(n).padStart(3, '0');
}

function unitAuthority(unit: Unit): string {
  return unit.parentId === null ? 'UBND tỉnh' : `UBND ${inSentence(unit.name)}`;
}

/** "Huyện Hạ Hòa" → "huyện Hạ Hòa", as the name reads after "UBND". */
function inSentence(name: string): string {
  return name.replace(/^(Thành phố|Thị xã|Thị trấn|Huyện|Phường|Xã)/u, (prefix) => prefix.toLowerCase());
}

export interface LoadedDemo {
  accounts: DemoAccount[];
  units: number;
  halls: number;
  people: number;
}

/**
 * Writes the demo province into the store, over the bootstrap's root unit "province". Records
 * that exist keep their createdAt; nothing is duplicated. Refuses to mix the two layouts, and
 * to take a username that belongs to someone else.
 */
export async function loadDemoProvince(store: Store, options: { twoLevel?: boolean; password: string }): Promise<LoadedDemo> {
  const { directory } = store;
  const existingRoot = await directory.getUnit('province');
  if (!existingRoot) throw new Error('the root unit "province" does not exist: run the bootstrap (start the server once) first');
  const demo = demoProvince({ twoLevel: options.twoLevel ?? false });
  const other = options.twoLevel ? 'd01' : 'c001';
  const otherUnit = await directory.getUnit(other);
  if (otherUnit?.parentId === 'province')
    throw new Error(
      `this store already holds the ${options.twoLevel ? 'three-level (districts)' : 'two-level (2025)'} demo province: ` +
        'use another DATA_DIR or REDIS_PREFIX to load the other one',
    );

  const [units, halls, people] = await Promise.all([directory.listUnits(), directory.listHalls(), directory.listPeople()]);
  const created = new Map<string, string>([...units, ...halls, ...people].map((r) => [r.id, r.createdAt]));
  const keep = <T extends { id: string; createdAt: string }>(r: T): T => ({ ...r, createdAt: created.get(r.id) ?? r.createdAt });
  const peopleById = new Map(people.map((p) => [p.id, p]));

  const dropUsernames: string[] = [];
  for (const person of demo.people) {
    const username = person.username as string;
    const owner = await directory.personIdByUsername(username);
    if (owner !== undefined && owner !== person.id) throw new Error(`the username "${username}" belongs to someone else (${owner}): not loading the demo`);
    // A demo person renamed through the API gets its demo username back, and loses the other.
    const before = peopleById.get(person.id)?.username;
    if (before !== undefined && before !== username) dropUsernames.push(before);
  }

  const hash = await hashPassword(options.password);
  await directory.importRecords({
    units: [{ ...existingRoot, name: demo.root.name, kind: demo.root.kind, updatedAt: demo.root.updatedAt }, ...demo.units.map(keep)],
    halls: demo.halls.map(keep),
    people: demo.people.map(keep),
    passwordHashes: Object.fromEntries(demo.people.map((p) => [p.id, hash])),
    dropUsernames,
  });
  return { accounts: demo.accounts, units: demo.units.length + 1, halls: demo.halls.length, people: demo.people.length };
}
