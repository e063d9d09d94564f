/**
 * CSV import (#/directory/import): units and halls from one file. "Kiểm tra" asks the API for a
 * dry run (every problem by line and column, in Vietnamese, or what would change); "Nhập" imports,
 * all or nothing. A sample file for the caller's own unit is made in the page.
 */
import { ApiError } from '../api.js';
import type { ScreenFactory } from '../context.js';
import { errorText, serverDetail } from '../errors.js';
import { defineStrings } from '../i18n.js';
import { btn, field, h, heading } from '../ui.js';
import { importErrorText, type ImportLineError } from '../widgets/directory-import-errors.js';

const strings = defineStrings({
  vi: {
    title: 'Nhập đơn vị và điểm cầu từ tệp CSV',
    lead: 'Mỗi dòng là một đơn vị (type = unit) hoặc một điểm cầu (type = hall). Dòng có mã đã tồn tại sẽ cập nhật bản ghi đó; ô để trống khi cập nhật thì giữ nguyên giá trị cũ. Đơn vị cấp trên có thể nằm ở dòng sau. Nếu có bất kỳ dòng nào lỗi thì không dòng nào được nhập.',
    columns: 'Các cột (dòng đầu tiên là tên cột, theo thứ tự bất kỳ)',
    col_type: '“unit” (đơn vị) hoặc “hall” (điểm cầu). Bắt buộc.',
    col_id: 'Mã: chữ không dấu, số, “-”, “_”, “.”. Bắt buộc.',
    col_name: 'Tên. Bắt buộc.',
    col_kind: 'Đơn vị: loại (province, district, commune…). Bắt buộc với đơn vị mới.',
    col_parent_id: 'Đơn vị: mã đơn vị cấp trên (đã có, hoặc có trong tệp).',
    col_unit_id: 'Điểm cầu: mã đơn vị quản lý. Bắt buộc với điểm cầu mới.',
    col_location: 'Điểm cầu: địa điểm (không bắt buộc).',
    col_operator_username: 'Điểm cầu: tên đăng nhập của kỹ thuật viên (phải có quyền kỹ thuật điểm cầu).',
    sample: 'Tải tệp mẫu',
    file: 'Chọn tệp CSV (UTF-8)',
    fileHint: 'Tối đa 1 MB. Excel: “Lưu thành” → “CSV UTF-8”.',
    paste: 'Hoặc dán nội dung CSV',
    check: 'Kiểm tra',
    import: 'Nhập',
    checking: 'Đang kiểm tra…',
    importing: 'Đang nhập…',
    empty: 'Chưa có nội dung: chọn tệp hoặc dán CSV.',
    tooBig: 'Tệp quá lớn ({size} KB); tối đa 1024 KB.',
    readFailed: 'Không đọc được tệp.',
    errorsTitle: 'Tệp có {count} lỗi. Chưa nhập dòng nào.',
    line: 'Dòng',
    column: 'Cột',
    problem: 'Lỗi',
    wouldDo: 'Tệp hợp lệ. Khi nhập sẽ: tạo {cu} đơn vị và {ch} điểm cầu; cập nhật {uu} đơn vị và {uh} điểm cầu; {nu} đơn vị và {nh} điểm cầu không đổi.',
    done: 'Đã nhập: tạo {cu} đơn vị và {ch} điểm cầu; cập nhật {uu} đơn vị và {uh} điểm cầu; {nu} đơn vị và {nh} điểm cầu không đổi.',
    loaded: 'Đã đọc tệp “{name}” ({lines} dòng).',
    toUnits: 'Xem cây đơn vị',
  },
  en: {
    title: 'Import units and halls from a CSV file',
    lead: 'Each line is a unit (type = unit) or a hall (type = hall). A line whose id exists updates that record; an empty cell in an update keeps the current value. A parent unit may come on a later line. If any line is wrong, no line is imported.',
    columns: 'Columns (the first line names them, in any order)',
    col_type: '“unit” or “hall”. Required.',
    col_id: 'Id: letters, digits, “-”, “_”, “.”. Required.',
    col_name: 'Name. Required.',
    col_kind: 'Unit: kind (province, district, commune…). Required for a new unit.',
    col_parent_id: 'Unit: the parent unit’s id (existing, or in the file).',
    col_unit_id: 'Hall: its unit’s id. Required for a new hall.',
    col_location: 'Hall: location (optional).',
    col_operator_username: 'Hall: the operator’s username (must have the hall-operator role).',
    sample: 'Download a sample',
    file: 'Choose a CSV file (UTF-8)',
    fileHint: 'At most 1 MB. Excel: “Save as” → “CSV UTF-8”.',
    paste: 'Or paste CSV text',
    check: 'Check',
    import: 'Import',
    checking: 'Checking…',
    importing: 'Importing…',
    empty: 'Nothing yet: choose a file or paste CSV.',
    tooBig: 'The file is too large ({size} KB); at most 1024 KB.',
    readFailed: 'The file could not be read.',
    errorsTitle: 'The file has {count} problems. Nothing was imported.',
    line: 'Line',
    column: 'Column',
    problem: 'Problem',
    wouldDo: 'The file is valid. Importing will create {cu} units and {ch} halls, update {uu} units and {uh} halls; {nu} units and {nh} halls stay as they are.',
    done: 'Imported: {cu} units and {ch} halls created, {uu} units and {uh} halls updated; {nu} units and {nh} halls unchanged.',
    loaded: 'Read “{name}” ({lines} lines).',
    toUnits: 'See the unit tree',
  },
});

const COLUMNS = ['type', 'id', 'name', 'kind', 'parent_id', 'unit_id', 'location', 'operator_username'] as const;
const MAX_BYTES = 1024 * 1024;

interface Counts {
  units: number;
  halls: number;
}
interface ImportResult {
  dryRun: boolean;
  created: Counts;
  updated: Counts;
  unchanged: Counts;
}

export const importScreen: ScreenFactory = (ctx, root) => {
  const t = ctx.t(strings);
  const draft = ctx.draft('directory-import', () => ({ csv: '' }));
  const file = field(t('file'), h('input', { type: 'file', accept: '.csv,text/csv' }), t('fileHint'));
  const text = field(t('paste'), h('textarea', { rows: 10, spellcheck: false, className: 'dir-csv' }));
  text.control.value = draft.csv;
  const check = btn(t('check'), () => void run(true));
  const go = btn(t('import'), () => void run(false), { className: 'primary' });
  const sample = btn(t('sample'), downloadSample);
  const result = h('section', { className: 'dir-import-result', 'aria-live': 'polite', tabindex: '-1' });

  root.append(
    heading(t('title'), sample),
    h('div', { className: 'card' }, h('p', {}, t('lead')), h('details', { className: 'dir-columns' }, h('summary', {}, t('columns')), columnList())),
    h('div', { className: 'card' }, file.el, text.el, h('div', { className: 'dir-buttons' }, check, go)),
    result,
  );

  text.control.addEventListener('input', () => {
    draft.csv = text.control.value;
    text.setError(null);
  });
  file.control.addEventListener('change', () => {
    const chosen = file.control.files?.[0];
    if (!chosen) return;
    file.setError(null);
    if (chosen.size > MAX_BYTES) return file.setError(t('tooBig', { size: Math.ceil(chosen.size / 1024) }));
    chosen
      .text()
      .then((content) => {
        text.control.value = content;
        draft.csv = content;
        const lines = content.split(/\r\n|\r|\n/).filter((l) => l.trim() !== '').length;
        result.replaceChildren(h('p', { className: 'muted' }, t('loaded', { name: chosen.name, lines })));
      })
      .catch(() => file.setError(t('readFailed')));
  });

  async function run(dryRun: boolean): Promise<void> {
    const csv = text.control.value;
    if (csv.trim() === '') {
      text.setError(t('empty'));
      return text.control.focus();
    }
    if (new Blob([csv]).size > MAX_BYTES) return text.setError(t('tooBig', { size: Math.ceil(new Blob([csv]).size / 1024) }));
    const button = dryRun ? check : go;
    // Tests and assistive tools can tell a finished answer from the previous one.
    result.dataset['state'] = 'busy';
    const label = button.textContent;
    check.disabled = go.disabled = true;
    button.textContent = dryRun ? t('checking') : t('importing');
    try {
      const answer = await ctx.api.post<ImportResult>('/api/directory/import', { csv, dryRun });
      const params = {
        cu: answer.created.units,
        ch: answer.created.halls,
        uu: answer.updated.units,
        uh: answer.updated.halls,
        nu: answer.unchanged.units,
        nh: answer.unchanged.halls,
      };
      result.replaceChildren(
        h(
          'div',
          { className: `dir-summary ${dryRun ? 'checked' : 'imported'}`, role: 'status' },
          h('p', {}, dryRun ? t('wouldDo', params) : t('done', params)),
          dryRun ? null : h('p', {}, h('a', { href: '#/directory/units' }, t('toUnits'))),
        ),
      );
      if (!dryRun) ctx.dropDraft('directory-import');
    } catch (e) {
      const errors = lineErrors(e);
      if (errors) showErrors(errors);
      else {
        const detail = serverDetail(e, ctx.lang);
        result.replaceChildren(h('div', { className: 'form-error', role: 'alert' }, h('p', {}, errorText(e, ctx.lang)), detail ? h('p', { className: 'detail' }, detail) : null));
      }
    } finally {
      check.disabled = go.disabled = false;
      button.textContent = label;
      result.dataset['state'] = 'done';
    }
    result.focus();
  }

  function showErrors(errors: ImportLineError[]): void {
    const rows = errors.map((e) =>
      h('tr', {}, h('td', { className: 'num' }, String(e.line)), h('td', {}, e.column ? h('code', {}, e.column) : ''), h('td', {}, importErrorText(e, ctx.lang))),
    );
    result.replaceChildren(
      h('div', { className: 'form-error', role: 'alert' }, h('p', {}, t('errorsTitle', { count: errors.filter((e) => e.code !== 'too_many_errors').length }))),
      h(
        'table',
        { className: 'data dir-import-errors' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col', className: 'num' }, t('line')), h('th', { scope: 'col' }, t('column')), h('th', { scope: 'col' }, t('problem')))),
        h('tbody', {}, ...rows),
      ),
    );
  }

  function columnList(): HTMLElement {
    return h('dl', { className: 'dir-facts' }, ...COLUMNS.flatMap((c) => [h('dt', {}, h('code', {}, c)), h('dd', {}, t(`col_${c}`))]));
  }

  /** A sample for the caller's own unit, so it imports as it is (Excel reads UTF-8 with the BOM). */
  function downloadSample(): void {
    const own = ctx.session.me?.unit?.id ?? ctx.session.person?.unitId ?? 'province';
    const csv = [
      COLUMNS.join(','),
      `unit,${own}-mau-x1,"Xã Mẫu Một",commune,${own}-mau-h1,,,`,
      `unit,${own}-mau-h1,Huyện Mẫu,district,${own},,,`,
      `hall,hall-${own}-mau-h1,Điểm cầu Huyện Mẫu,,,${own}-mau-h1,"Hội trường tầng 2, trụ sở UBND",`,
      `hall,hall-${own}-mau-x1,"Điểm cầu ""Xã Mẫu Một""",,,${own}-mau-x1,Nhà văn hoá xã,`,
    ].join('\r\n');
    const url = URL.createObjectURL(new Blob(['\uFEFF', `${csv}\r\n`], { type: 'text/csv;charset=utf-8' }));
    const a = h('a', { href: url, download: 'mau-nhap-don-vi-diem-cau.csv' });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }
};

function lineErrors(error: unknown): ImportLineError[] | null {
  if (!(error instanceof ApiError) || error.code !== 'BAD_REQUEST') return null;
  const details = error.details as { errors?: unknown } | undefined;
  return Array.isArray(details?.errors) ? (details.errors as ImportLineError[]) : null;
}
