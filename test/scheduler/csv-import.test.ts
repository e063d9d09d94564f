/**
 * POST /api/directory/import: units and halls from one CSV, all or nothing, every problem
 * reported by line; and the parser on its own (quotes, commas, BOM, CRLF, line numbers).
 */
import t from 'tap';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { parseCsv } from '../../scheduler/csv-import.js';
import { startApi, type ApiHarness } from '../helpers/api.js';
import { FIXTURE_PASSWORD, seedProvince } from '../helpers/fixtures.js';

type Client = (options: InjectOptions) => Promise<LightMyRequestResponse>;
async function as(api: ApiHarness, username?: string): Promise<Client> {
  const token = username ? await api.login(username, FIXTURE_PASSWORD) : await api.login();
  return (options) => api.request(token, options);
}
const importCsv = (client: Client, csv: string, dryRun?: boolean) =>
  client({ method: 'POST', url: '/api/directory/import', payload: dryRun === undefined ? { csv } : { csv, dryRun } });
const HEADER = 'type,id,name,kind,parent_id,unit_id,location,operator_username';
const lines = (...rows: string[]) => [HEADER, ...rows].join('\n');
interface LineError {
  line: number;
  column?: string;
  code: string;
  message: string;
}
const errorsOf = (r: LightMyRequestResponse) => (r.json() as { details: { errors: LineError[] } }).details.errors;

/** Everything the import could touch, as stored. */
async function directoryDump(api: ApiHarness): Promise<string> {
  const view = await api.store.directory.view();
  const sorted = (m: ReadonlyMap<string, unknown>) => [...m.entries()].sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify({ units: sorted(view.units), halls: sorted(view.halls), people: sorted(view.people) });
}

t.test('the parser: quotes, commas, doubled quotes, BOM, CRLF, line breaks inside quotes', async (t) => {
  const text = '\uFEFFa,b,c\r\n"x, y","say ""hi""",z\r\n"two\r\nlines",2,3\r\n\r\nlast,,\r\n';
  const { records, errors } = parseCsv(text);
  t.same(errors, []);
  t.same(records, [
    { line: 1, fields: ['a', 'b', 'c'] },
    { line: 2, fields: ['x, y', 'say "hi"', 'z'] },
    { line: 3, fields: ['two\r\nlines', '2', '3'] },
    { line: 6, fields: ['last', '', ''] },
  ]);
  t.same(parseCsv('a,b\nc,d').records.map((r) => r.line), [1, 2], 'no final line break; LF only');
  t.same(parseCsv('a\rb\r').records, [{ line: 1, fields: ['a'] }, { line: 2, fields: ['b'] }], 'old Mac CR');
  t.match(parseCsv('a,b\n"open,2\n3,4\n').errors, [{ line: 2, code: 'unclosed_quote' }]);
  const bad = parseCsv('a,b\nx"y,1\n"q"z,2\nok,3\n');
  t.same(bad.errors.map((e) => [e.line, e.code]), [[2, 'bad_quote'], [3, 'bad_quote']]);
  t.same(bad.records.map((r) => r.line), [1, 4], 'lines after a bad one still parse');
});

t.test('a three-level province: new district with communes and halls, parents later in the file, an update', async (t) => {
  const api = await startApi(t);
  await seedProvince(api.store, { districts: 2, communes: 2 });
  const province = await as(api, 'sec-province');
  const csv = lines(
    'unit,d3-c1,"Xã Sơn Vi, Huyện 3",commune,d3,,,',
    'unit,d3,Huyện Lâm Thao,district,province,,,',
    'hall,hall-d3,Điểm cầu Lâm Thao,,,d3,"Tầng 2, phòng ""A""",op-d1',
    'hall,hall-d3-c1,Điểm cầu Sơn Vi,,,d3-c1,,',
    'unit,d1-c1,Xã Một (đổi tên),,,,,',
    'hall,hall-d1,Điểm cầu Huyện 1,,,,,',
  );
  const r = await importCsv(province, csv);
  t.equal(r.statusCode, 200, r.body);
  t.same(r.json(), { dryRun: false, created: { units: 2, halls: 2 }, updated: { units: 1, halls: 0 }, unchanged: { units: 0, halls: 1 } });
  const view = await api.store.directory.view();
  t.match(view.units.get('d3'), { name: 'Huyện Lâm Thao', kind: 'district', parentId: 'province' });
  t.match(view.units.get('d3-c1'), { name: 'Xã Sơn Vi, Huyện 3', kind: 'commune', parentId: 'd3' });
  t.match(view.units.get('d1-c1'), { name: 'Xã Một (đổi tên)', kind: 'commune', parentId: 'd1' }, 'empty cells keep kind and parent');
  t.match(view.halls.get('hall-d3'), { unitId: 'd3', location: 'Tầng 2, phòng "A"', operatorId: 'op-d1' });
  t.match(view.halls.get('hall-d3-c1'), { unitId: 'd3-c1', operatorId: null });
  t.notOk('location' in (view.halls.get('hall-d3-c1') ?? {}));
  const listed = (await province({ method: 'GET', url: '/api/units?under=d3' })).json() as { id: string }[];
  t.same(listed.map((u) => u.id), ['d3', 'd3-c1'], 'the API serves the imported subtree');
});

t.test('a two-level province: communes straight under the province', async (t) => {
  const api = await startApi(t);
  await seedProvince(api.store, { districts: 0, communes: 2 });
  const province = await as(api, 'sec-province');
  const r = await importCsv(province, lines('unit,c3,Xã Ba,commune,province,,,', 'hall,hall-c3,Điểm cầu Xã Ba,,,c3,Nhà văn hoá,op-c1'));
  t.equal(r.statusCode, 200, r.body);
  t.same(r.json().created, { units: 1, halls: 1 });
  const view = await api.store.directory.view();
  t.equal(view.units.get('c3')?.parentId, 'province');
  t.equal(view.halls.get('hall-c3')?.operatorId, 'op-c1');
});

t.test('refusals: every bad line reported, nothing written', async (t) => {
  const api = await startApi(t);
  await seedProvince(api.store, { districts: 2, communes: 2 });
  const admin = await as(api);
  const province = await as(api, 'sec-province');
  const secD1 = await as(api, 'sec-d1');

  await t.test('errors on lines 3 and 7: both reported, the store unchanged', async (t) => {
    const before = await directoryDump(api);
    const csv = lines(
      'unit,n1,Xã Mới 1,commune,d1,,,', // 2
      'unit,n2,Xã Mới 2,commune,ghost,,,', // 3: unknown parent
      'unit,n3,Xã Mới 3,commune,d1,,,', // 4
      'hall,hall-n1,Điểm cầu 1,,,n1,,', // 5
      'hall,hall-n3,Điểm cầu 3,,,n3,,', // 6
      'hall,hall-n9,Điểm cầu 9,,,n1,,nobody', // 7: unknown operator
    );
    const r = await importCsv(province, csv);
    t.equal(r.statusCode, 400);
    t.equal(r.json().code, 'BAD_REQUEST');
    t.same(
      errorsOf(r).map((e) => [e.line, e.column, e.code]),
      [
        [3, 'parent_id', 'unknown_parent'],
        [7, 'operator_username', 'unknown_operator'],
      ],
    );
    t.equal(await directoryDump(api), before, 'nothing was written');
    t.equal((await province({ method: 'GET', url: '/api/units/n1' })).statusCode, 404);
  });

  await t.test('cycles among new units, and an existing unit moved under its own commune', async (t) => {
    const before = await directoryDump(api);
    const r = await importCsv(admin, lines('unit,a,A,agency,b,,,', 'unit,b,B,agency,a,,,', 'unit,self,Self,agency,self,,,', 'unit,d2,Huyện 2,,d2-c1,,,'));
    t.equal(r.statusCode, 400);
    t.same(
      errorsOf(r).map((e) => [e.line, e.code]),
      [
        [2, 'cycle'],
        [3, 'cycle'],
        [4, 'self_parent'],
        [5, 'cycle'],
      ],
    );
    t.match(errorsOf(r)[0]?.message, 'a → b → a');
    t.equal(await directoryDump(api), before);
  });

  await t.test('scope: a district secretariat imports only inside its district', async (t) => {
    const before = await directoryDump(api);
    const r = await importCsv(
      secD1,
      lines(
        'unit,d1-c9,Xã Chín,commune,d1,,,', // 2 fine
        'unit,d2-c9,Xã Lạ,commune,d2,,,', // 3 parent outside
        'unit,d2-c1,Đổi tên,,,,,', // 4 existing unit outside
        'hall,hall-d2-c2,X,,,,,', // 5 existing hall outside
        'hall,hall-x,X,,,d2,,', // 6 hall in a unit outside
        'hall,hall-y,Y,,,d1-c9,,op-d2', // 7 operator outside: not even named
        'unit,d1,Huyện 1,,province,,,', // 8 unchanged parent: fine
        'unit,d1,Huyện 1,,d1-c1,,,', // 9 duplicate id
        'unit,province,Tỉnh,,,,,', // 10 the province: outside
      ),
    );
    t.equal(r.statusCode, 400);
    t.same(
      errorsOf(r).map((e) => [e.line, e.code]),
      [
        [3, 'out_of_scope'],
        [4, 'out_of_scope'],
        [5, 'out_of_scope'],
        [6, 'out_of_scope'],
        [7, 'unknown_operator'],
        [9, 'duplicate_id'],
        [10, 'out_of_scope'],
      ],
    );
    t.notMatch(r.body, /Huyện 2|Kỹ thuật/, 'no names from outside the scope');
    t.equal(await directoryDump(api), before);
    const moveOwn = await importCsv(secD1, lines('unit,d1,Huyện 1,,d2,,,'));
    t.match(errorsOf(moveOwn), [{ line: 2, code: 'own_unit_move' }]);
    const topLevel = await importCsv(province, lines('unit,top,Tỉnh khác,province,,,,'));
    t.match(errorsOf(topLevel), [{ line: 2, column: 'parent_id', code: 'top_level' }]);
    const ok = await importCsv(secD1, lines('unit,d1-c9,Xã Chín,commune,d1,,,', 'hall,hall-d1-c9,Điểm cầu Xã Chín,,,d1-c9,,op-d1-c1'));
    t.equal(ok.statusCode, 200, ok.body);
  });

  await t.test('operators: unknown, or without the operator role', async (t) => {
    const r = await importCsv(province, lines('hall,hall-z,Z,,,d1,,ghost-user', 'hall,hall-w,W,,,d1,,OFF-D1'));
    t.equal(r.statusCode, 400);
    t.same(
      errorsOf(r).map((e) => [e.line, e.column, e.code]),
      [
        [2, 'operator_username', 'unknown_operator'],
        [3, 'operator_username', 'not_operator'],
      ],
    );
  });

  await t.test('shape: header, field counts, types, ids, lengths', async (t) => {
    const noHeader = await importCsv(province, 'unit,x,X,commune,d1,,,\nunit,y,Y,commune,d1,,,\n');
    t.equal(noHeader.statusCode, 400);
    t.ok(errorsOf(noHeader).length > 0 && errorsOf(noHeader).every((e) => e.line === 1), 'a missing header is reported on line 1');
    t.match(errorsOf(noHeader)[0], { line: 1, code: 'unknown_column', column: 'unit' });
    const missing = await importCsv(province, 'type,name\nunit,X\n');
    t.match(errorsOf(missing), [{ line: 1, column: 'id', code: 'missing_column' }]);
    const onlyHeader = await importCsv(province, `${HEADER}\n`);
    t.match(errorsOf(onlyHeader), [{ line: 1, code: 'empty_file' }]);
    const r = await importCsv(
      province,
      lines('unit,x1,X,commune,d1', 'room,x2,X,,,,,', 'unit,bad id,X,commune,d1,,,', 'unit,x3,,commune,d1,,,', `unit,x4,${'N'.repeat(201)},commune,d1,,,`, 'unit,x5,X,,d1,,,', 'hall,h-new,X,,,,,'),
    );
    t.same(
      errorsOf(r).map((e) => [e.line, e.code, e.column ?? null]),
      [
        [2, 'field_count', null],
        [3, 'bad_type', 'type'],
        [4, 'bad_id', 'id'],
        [5, 'required', 'name'],
        [6, 'too_long', 'name'],
        [7, 'required', 'kind'],
        [8, 'required', 'unit_id'],
      ],
    );
    // Columns in another order, in capitals, some left out.
    const reordered = await importCsv(province, 'NAME,Type,ID,Kind,Parent_ID\nXã Mười,unit,d1-c10,commune,d1\n');
    t.equal(reordered.statusCode, 200, reordered.body);
  });
});

t.test('a dry run answers the counts and writes nothing; a file with BOM and CRLF imports', async (t) => {
  const api = await startApi(t);
  await seedProvince(api.store, { districts: 1, communes: 1 });
  const province = await as(api, 'sec-province');
  const csv = `\uFEFF${HEADER}\r\nunit,d1-c7,"Xã ""Bảy"", mới",commune,d1,,,\r\nhall,hall-d1-c7,"Điểm cầu
Xã Bảy",,,d1-c7,"Số 1, đường A",\r\nunit,d1,Huyện Một,,,,,\r\n`;
  const before = await directoryDump(api);
  const dry = await importCsv(province, csv, true);
  t.equal(dry.statusCode, 200, dry.body);
  t.same(dry.json(), { dryRun: true, created: { units: 1, halls: 1 }, updated: { units: 1, halls: 0 }, unchanged: { units: 0, halls: 0 } });
  t.equal(await directoryDump(api), before, 'the dry run wrote nothing');
  const dryBad = await importCsv(province, `${csv}unit,d1-c8,X,commune,ghost,,,\r\n`, true);
  t.match(errorsOf(dryBad), [{ line: 6, code: 'unknown_parent' }], 'the line count follows the line break inside quotes');

  const real = await importCsv(province, csv);
  t.equal(real.statusCode, 200, real.body);
  t.equal(real.json().dryRun, false);
  const view = await api.store.directory.view();
  t.equal(view.units.get('d1-c7')?.name, 'Xã "Bảy", mới');
  t.equal(view.halls.get('hall-d1-c7')?.name, 'Điểm cầu Xã Bảy', 'a line break inside a cell is a space');
  t.equal(view.halls.get('hall-d1-c7')?.location, 'Số 1, đường A');
  t.equal(view.units.get('d1')?.name, 'Huyện Một');
  const again = await importCsv(province, csv);
  t.same(again.json(), { dryRun: false, created: { units: 0, halls: 0 }, updated: { units: 0, halls: 0 }, unchanged: { units: 2, halls: 1 } }, 'the same file again changes nothing');
});

t.test('who may import, and how much', async (t) => {
  const api = await startApi(t);
  await seedProvince(api.store, { districts: 1, communes: 1 });
  const csv = lines('unit,d1-c5,Xã Năm,commune,d1,,,');
  const signedOut = await api.request(undefined, { method: 'POST', url: '/api/directory/import', payload: { csv } });
  t.equal(signedOut.statusCode, 401);
  t.equal(signedOut.json().code, 'UNAUTHORIZED');
  const operator = await as(api, 'op-d1');
  const refused = await importCsv(operator, csv);
  t.equal(refused.statusCode, 403);
  const official = await as(api, 'off-d1');
  t.equal((await importCsv(official, csv)).statusCode, 403);
  t.equal((await api.store.directory.view()).units.has('d1-c5'), false);

  const province = await as(api, 'sec-province');
  const huge = lines(...Array.from({ length: 40_000 }, (_, i) => `unit,big-${i},Xã số ${i} có tên khá dài,commune,d1,,,`));
  t.ok(huge.length > 2 * 1024 * 1024, `${huge.length} characters`);
  const tooBig = await importCsv(province, huge);
  t.equal(tooBig.statusCode, 413);
  t.equal(tooBig.json().code, 'PAYLOAD_TOO_LARGE');
  const notJson = await province({ method: 'POST', url: '/api/directory/import', payload: 'type,id\n', headers: { 'content-type': 'text/csv' } });
  t.ok(notJson.statusCode >= 400 && notJson.statusCode < 500, `text/csv body: ${notJson.statusCode}`);
  t.equal((await province({ method: 'POST', url: '/api/directory/import', payload: { csv: '' } })).statusCode, 400);
  t.equal((await province({ method: 'POST', url: '/api/directory/import', payload: { csv, extra: 1 } })).statusCode, 400);
  t.equal((await api.store.directory.view()).units.has('d1-c5'), false);
});
