/** The CSV import's problems (POST /api/directory/import, details.errors) in plain words, by code. */
import { defineStrings, translator, type Lang } from '../i18n.js';

export interface ImportLineError {
  line: number;
  column?: string;
  code: string;
  message: string;
  params?: Record<string, string | number>;
}

const strings = defineStrings({
  vi: {
    empty_file: 'Tệp trống: cần dòng tên cột và ít nhất một dòng dữ liệu.',
    unclosed_quote: 'Thiếu dấu ngoặc kép đóng (") cho một ô.',
    bad_quote: 'Dấu ngoặc kép phải bao cả ô; trong ô có ngoặc kép thì viết "" (hai dấu).',
    unknown_column: 'Tên cột “{name}” không đúng. Các cột: type, id, name, kind, parent_id, unit_id, location, operator_username.',
    duplicate_column: 'Cột “{name}” xuất hiện hai lần.',
    missing_column: 'Dòng tên cột thiếu cột “{name}”.',
    field_count: 'Dòng có {count} ô, trong khi dòng tên cột có {expected} cột.',
    bad_type: 'Cột type phải là “unit” hoặc “hall” (đang là “{value}”).',
    required: 'Ô này bắt buộc phải có giá trị.',
    required_kind: 'Đơn vị mới cần có loại (kind), ví dụ commune.',
    required_unit_id: 'Điểm cầu mới cần có mã đơn vị (unit_id).',
    bad_id: '“{value}” không phải mã hợp lệ: chỉ gồm chữ không dấu, số, “-”, “_”, “.”, bắt đầu bằng chữ hoặc số, tối đa 64 ký tự.',
    too_long: 'Quá dài: tối đa {max} ký tự.',
    duplicate_id: 'Mã “{id}” đã dùng ở dòng {other}.',
    unknown_parent: 'Không có đơn vị cấp trên mã “{id}” (cả trong danh bạ lẫn trong tệp).',
    self_parent: 'Đơn vị “{id}” không thể là cấp trên của chính nó.',
    cycle: 'Các đơn vị tạo thành vòng lặp: {path}.',
    top_level: 'Chỉ quản trị viên mới tạo được đơn vị cấp cao nhất: hãy điền parent_id.',
    unknown_unit: 'Không có đơn vị mã “{id}” (cả trong danh bạ lẫn trong tệp).',
    unknown_operator: 'Không có cán bộ nào trong phạm vi của bạn có tên đăng nhập “{username}”.',
    not_operator: '“{username}” ({name}) chưa có quyền kỹ thuật điểm cầu.',
    out_of_scope: '“{id}” nằm ngoài phạm vi đơn vị bạn quản lý.',
    own_unit_move: 'Không thể chuyển đơn vị của chính bạn sang đơn vị cấp trên khác.',
    too_many_errors: 'Tổng cộng {count} lỗi; chỉ liệt kê các lỗi đầu tiên.',
  },
  en: {
    empty_file: 'The file is empty: it needs a header line and at least one data line.',
    unclosed_quote: 'A cell lacks its closing double quote (").',
    bad_quote: 'A double quote must enclose the whole cell; inside one, write "" (two quotes).',
    unknown_column: 'Unknown column “{name}”. The columns are type, id, name, kind, parent_id, unit_id, location, operator_username.',
    duplicate_column: 'The column “{name}” appears twice.',
    missing_column: 'The header lacks the column “{name}”.',
    field_count: 'This line has {count} cells; the header has {expected} columns.',
    bad_type: 'The type must be “unit” or “hall” (not “{value}”).',
    required: 'This cell is required.',
    required_kind: 'A new unit needs a kind, e.g. commune.',
    required_unit_id: 'A new hall needs a unit_id.',
    bad_id: '“{value}” is not a valid id: letters, digits, “-”, “_”, “.”, starting with a letter or digit, at most 64.',
    too_long: 'Too long: at most {max} characters.',
    duplicate_id: 'The id “{id}” is already used on line {other}.',
    unknown_parent: 'There is no parent unit “{id}” (neither in the directory nor in the file).',
    self_parent: 'Unit “{id}” cannot be its own parent.',
    cycle: 'The units form a cycle: {path}.',
    top_level: 'Only an administrator may create a top-level unit: fill in parent_id.',
    unknown_unit: 'There is no unit “{id}” (neither in the directory nor in the file).',
    unknown_operator: 'Nobody in your scope has the username “{username}”.',
    not_operator: '“{username}” ({name}) does not have the hall-operator role.',
    out_of_scope: '“{id}” is outside the units you manage.',
    own_unit_move: 'Your own unit cannot be moved to another parent.',
    too_many_errors: '{count} problems in all; only the first are listed.',
  },
});

type Key = keyof typeof strings.vi;

/** The problem in the current language; the server's English words when the code is new to this page. */
export function importErrorText(error: ImportLineError, lang: Lang): string {
  const t = translator(strings, () => lang);
  const specific = `${error.code}_${error.column ?? ''}`;
  if (specific in strings.vi) return t(specific as Key, error.params ?? {});
  return error.code in strings.vi ? t(error.code as Key, error.params ?? {}) : error.message;
}
