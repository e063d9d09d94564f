/**
 * The site picker: the unit tree with a checkbox per unit and per hall. Checking a unit checks
 * every hall of its subtree ("tất cả xã của huyện Lâm Thao"); a unit partly chosen shows the
 * mixed state. A search box filters units and halls by name, ignoring Vietnamese marks. The
 * choice is sent as `sites`: whole units (of more than one hall) as `unitIds`, the other halls one
 * by one as `hallIds`. A unit with a single hall and nothing below (a commune) is one row.
 *
 * One DOM row per unit and hall is built once; expanding, filtering and checking only flip
 * `hidden`, `checked` and `indeterminate`, so a province of a few hundred communes stays quick.
 */
import type { Translate } from '../i18n.js';
import { defineStrings } from '../i18n.js';
import { btn, h } from '../ui.js';
import { fold } from '../text.js';

export { fold };

export interface PickerUnit {
  id: string;
  name: string;
  kind: string;
  parentId: string | null;
  /** Only units the caller manages (may book halls in) are shown. */
  manageable: boolean;
}

export interface PickerHall {
  id: string;
  name: string;
  unitId: string;
}

export interface SiteSelection {
  unitIds: string[];
  hallIds: string[];
}

export const unitPickerStrings = defineStrings({
  vi: {
    search: 'Tìm đơn vị hoặc điểm cầu',
    searchHint: 'Gõ không dấu cũng được, ví dụ "lam thao".',
    expandAll: 'Mở tất cả',
    collapseAll: 'Thu gọn',
    clear: 'Bỏ chọn tất cả',
    expand: 'Mở {name}',
    collapse: 'Thu gọn {name}',
    wholeUnit: 'tất cả {n} điểm cầu',
    host: 'chủ trì',
    count: 'Đã chọn {n} điểm cầu',
    countWithOutside: 'Đã chọn {n} điểm cầu (trong đó {m} ngoài phạm vi của bạn, giữ nguyên)',
    found: 'Tìm thấy {n} kết quả',
    nothingFound: 'Không tìm thấy đơn vị hay điểm cầu nào',
    empty: 'Không có đơn vị nào bạn được đặt điểm cầu.',
    tree: 'Cây đơn vị và điểm cầu',
  },
  en: {
    search: 'Find a unit or hall',
    searchHint: 'Marks are optional, e.g. "lam thao".',
    expandAll: 'Expand all',
    collapseAll: 'Collapse',
    clear: 'Clear selection',
    expand: 'Expand {name}',
    collapse: 'Collapse {name}',
    wholeUnit: 'all {n} halls',
    host: 'host',
    count: '{n} halls selected',
    countWithOutside: '{n} halls selected ({m} outside your scope, kept)',
    found: '{n} found',
    nothingFound: 'No unit or hall matches',
    empty: 'There is no unit whose halls you may book.',
    tree: 'Units and halls',
  },
});


interface HallNode {
  hall: PickerHall;
  folded: string;
  li: HTMLLIElement;
  box: HTMLInputElement;
  label: HTMLLabelElement;
}

interface UnitNode {
  unit: PickerUnit;
  folded: string;
  children: UnitNode[];
  halls: HallNode[];
  li: HTMLLIElement;
  box: HTMLInputElement;
  toggle: HTMLButtonElement;
  list: HTMLUListElement;
  count: HTMLSpanElement;
  whole: HTMLSpanElement;
  expanded: boolean;
  /** Halls in the subtree. */
  total: number;
  /** A unit with one hall and no units below (a commune): one row stands for both, its box for the hall. */
  compact: boolean;
}

export interface UnitPicker {
  el: HTMLElement;
  /** Builds the tree (the element should be in the document: the time it takes is kept in data-render-ms). */
  load(units: readonly PickerUnit[], halls: readonly PickerHall[]): void;
  /** The host hall: shown checked and fixed, left out of the sites and the count. */
  setHost(hallId: string | null): void;
  /** Checks exactly these halls; those not in the tree (outside the caller's scope) are kept as they are. */
  setSelected(hallIds: readonly string[]): void;
  /** The chosen site halls, host left out. */
  selectedHallIds(): string[];
  /** The choice as the API takes it. */
  selection(): SiteSelection;
  /** Units in tree order, for other controls (e.g. the host hall list). */
  halls(): PickerHall[];
  unitName(unitId: string): string | undefined;
  setFilter(query: string): void;
  readonly filter: string;
}

let pickerSeq = 0;

export function createUnitPicker(t: Translate<keyof (typeof unitPickerStrings)['vi']>, onChange: () => void, onFilter: (query: string) => void = () => {}): UnitPicker {
  const prefix = `up${++pickerSeq}`;
  const selected = new Set<string>();
  /** Chosen halls not in the tree: kept so that editing does not drop them. */
  const outside = new Set<string>();
  const units = new Map<string, UnitNode>();
  const hallNodes = new Map<string, HallNode>();
  const names = new Map<string, string>();
  let roots: UnitNode[] = [];
  let host: string | null = null;
  let filter = '';

  const search = h('input', { type: 'search', id: `${prefix}-search`, autocomplete: 'off', 'aria-describedby': `${prefix}-search-hint`, 'aria-controls': `${prefix}-tree` });
  const searchStatus = h('p', { className: 'muted picker-status', 'aria-live': 'polite' });
  const countLine = h('p', { className: 'picker-count', 'aria-live': 'polite' });
  const tree = h('ul', { className: 'tree', id: `${prefix}-tree`, 'aria-label': t('tree') });
  const empty = h('p', { className: 'empty', hidden: true }, t('empty'));
  const el = h(
    'div',
    { className: 'unit-picker' },
    h(
      'div',
      { className: 'picker-tools' },
      h('div', { className: 'field grow' }, h('label', { for: search.id }, t('search')), search, h('p', { className: 'hint', id: `${prefix}-search-hint` }, t('searchHint'))),
      h(
        'div',
        { className: 'picker-buttons' },
        btn(t('expandAll'), () => setAll(true), { className: 'small' }),
        btn(t('collapseAll'), () => setAll(false), { className: 'small' }),
        btn(t('clear'), () => {
          selected.clear();
          refresh();
          onChange();
        }, { className: 'small' }),
      ),
    ),
    countLine,
    searchStatus,
    h('div', { className: 'tree-box' }, tree, empty),
  );

  search.addEventListener('input', () => {
    applyFilter(search.value);
    onFilter(filter);
  });
  tree.addEventListener('change', (event) => {
    const box = event.target as HTMLInputElement;
    const unitId = box.dataset['unitId'];
    const hallId = box.dataset['hallId'];
    if (unitId !== undefined) {
      const node = units.get(unitId) as UnitNode;
      const all = subtreeHalls(node);
      const whole = all.every((id) => selected.has(id) || id === host);
      for (const id of all) if (whole) selected.delete(id);
      else if (id !== host) selected.add(id);
    } else if (hallId !== undefined) {
      if (box.checked) selected.add(hallId);
      else selected.delete(hallId);
    }
    refresh();
    onChange();
  });
  tree.addEventListener('click', (event) => {
    const toggle = (event.target as HTMLElement).closest<HTMLButtonElement>('button.tree-toggle');
    if (!toggle) return;
    const node = units.get(toggle.dataset['unitId'] as string) as UnitNode;
    node.expanded = toggle.getAttribute('aria-expanded') !== 'true';
    if (filter) applyFilter(filter);
    else showExpanded(node);
  });

  function buildUnit(node: UnitNode, depth: number): void {
    const id = `${prefix}-u-${node.unit.id}`;
    node.toggle.dataset['unitId'] = node.unit.id;
    node.box.id = id;
    node.box.dataset['unitId'] = node.unit.id;
    node.li.style.setProperty('--depth', String(depth));
    node.li.append(
      h('div', { className: 'tree-row' }, node.toggle, node.box, h('label', { for: id }, node.unit.name, ' ', node.whole), node.count),
      node.list,
    );
    if (node.compact) {
      node.li.dataset['onlyHallId'] = node.halls[0]?.hall.id;
      return;
    }
    for (const hallNode of node.halls) {
      const hid = `${prefix}-h-${hallNode.hall.id}`;
      hallNode.box.id = hid;
      hallNode.box.dataset['hallId'] = hallNode.hall.id;
      hallNode.label.htmlFor = hid;
      hallNode.li.append(h('div', { className: 'tree-row' }, h('span', { className: 'tree-spacer' }), hallNode.box, hallNode.label));
      node.list.append(hallNode.li);
    }
    for (const child of node.children) {
      buildUnit(child, depth + 1);
      node.list.append(child.li);
    }
  }

  function subtreeHalls(node: UnitNode, into: string[] = []): string[] {
    for (const hall of node.halls) into.push(hall.hall.id);
    for (const child of node.children) subtreeHalls(child, into);
    return into;
  }

  function count(node: UnitNode): number {
    node.total = node.halls.length + node.children.reduce((sum, c) => sum + count(c), 0);
    return node.total;
  }

  /** Writes every checkbox from `selected` and `host`; returns [checked, chosen] of the subtree. */
  function paint(node: UnitNode): [number, number] {
    let checked = 0;
    let chosen = 0;
    for (const hall of node.halls) {
      const isHost = hall.hall.id === host;
      const on = isHost || selected.has(hall.hall.id);
      hall.box.checked = on;
      if (hall.box.disabled !== isHost) hall.box.disabled = isHost;
      const label = isHost ? `${hall.hall.name} (${t('host')})` : hall.hall.name;
      if (hall.label.textContent !== label) hall.label.textContent = label;
      if (on) checked++;
      if (on && !isHost) chosen++;
    }
    for (const child of node.children) {
      const [c, s] = paint(child);
      checked += c;
      chosen += s;
    }
    node.box.checked = node.total > 0 && checked === node.total;
    node.box.indeterminate = checked > 0 && checked < node.total;
    const disabled = node.total === 0 || (node.compact && node.halls[0]?.hall.id === host);
    if (node.box.disabled !== disabled) node.box.disabled = disabled;
    const whole = node.compact ? `(${node.halls[0]?.hall.id === host ? `${node.halls[0]?.hall.name}, ${t('host')}` : node.halls[0]?.hall.name})` : `(${t('wholeUnit', { n: node.total })})`;
    if (node.whole.textContent !== whole) node.whole.textContent = whole;
    const tally = node.compact ? '' : `${checked}/${node.total}`;
    if (node.count.textContent !== tally) {
      node.count.textContent = tally;
      node.count.classList.toggle('some', checked > 0);
    }
    return [checked, chosen];
  }

  function refresh(): void {
    for (const root of roots) paint(root);
    const n = selectedHallIds().length;
    const outsideCount = [...outside].filter((id) => id !== host && !hallNodes.has(id)).length;
    countLine.textContent = outsideCount > 0 ? t('countWithOutside', { n, m: outsideCount }) : t('count', { n });
    countLine.dataset['count'] = String(n);
  }

  function setExpanded(node: UnitNode, open: boolean): void {
    const expandable = !node.compact && node.halls.length + node.children.length > 0;
    const shown = open && expandable;
    setHidden(node.toggle, !expandable);
    setHidden(node.list, !shown);
    // Only what changes is written: a few hundred rows restyled for nothing is what makes a tree slow.
    if (node.toggle.getAttribute('aria-expanded') === String(shown)) return;
    node.toggle.setAttribute('aria-expanded', String(shown));
    node.toggle.setAttribute('aria-label', t(shown ? 'collapse' : 'expand', { name: node.unit.name }));
    node.toggle.textContent = shown ? '▾' : '▸';
  }

  function setHidden(element: HTMLElement, hidden: boolean): void {
    if (element.hidden !== hidden) element.hidden = hidden;
  }

  function showExpanded(node: UnitNode): void {
    setExpanded(node, node.expanded);
  }

  function setAll(open: boolean): void {
    const walk = (node: UnitNode) => {
      node.expanded = open || roots.includes(node);
      node.children.forEach(walk);
    };
    roots.forEach(walk);
    applyFilter(filter);
  }

  /**
   * With a query: a unit or hall whose name matches is shown with the units above it (opened);
   * what lies below a matching unit stays reachable by opening it. Without: every row, as opened.
   */
  function applyFilter(query: string): void {
    filter = query;
    const needle = fold(query.trim());
    let found = 0;
    const walk = (node: UnitNode, ancestorMatched: boolean): boolean => {
      const matched = needle !== '' && node.folded.includes(needle);
      if (matched) found++;
      const under = ancestorMatched || matched;
      let inside = false;
      for (const hall of node.compact ? [] : node.halls) {
        const hit = needle !== '' && hall.folded.includes(needle);
        if (hit) found++;
        setHidden(hall.li, needle !== '' && !hit && !under);
        inside ||= hit;
      }
      for (const child of node.children) inside = walk(child, under) || inside;
      setHidden(node.li, needle !== '' && !matched && !inside && !ancestorMatched);
      setExpanded(node, needle !== '' && inside ? true : node.expanded);
      return matched || inside;
    };
    for (const root of roots) walk(root, false);
    searchStatus.textContent = needle === '' ? '' : found > 0 ? t('found', { n: found }) : t('nothingFound');
  }

  /** Chosen halls the tree does not hold (outside the caller's scope) are kept apart, and sent as they are. */
  function sortOutside(): void {
    for (const id of [...selected, ...outside]) {
      const inTree = hallNodes.has(id);
      (inTree ? outside : selected).delete(id);
      (inTree ? selected : outside).add(id);
    }
  }

  function selectedHallIds(): string[] {
    return [...new Set([...selected, ...outside])].filter((id) => id !== host);
  }

  return {
    el,
    get filter() {
      return filter;
    },
    load(unitList, hallList) {
      const started = performance.now();
      const shown = new Set(unitList.filter((u) => u.manageable).map((u) => u.id));
      for (const unit of unitList) {
        if (!shown.has(unit.id)) continue;
        names.set(unit.id, unit.name);
        units.set(unit.id, {
          unit,
          folded: fold(unit.name),
          children: [],
          halls: [],
          li: h('li', { className: 'tree-unit', 'data-unit-id': unit.id }),
          box: h('input', { type: 'checkbox' }),
          toggle: h('button', { type: 'button', className: 'tree-toggle' }),
          list: h('ul', { className: 'tree-children' }),
          count: h('span', { className: 'tree-count', 'aria-hidden': 'true' }),
          whole: h('span', { className: 'muted' }),
          expanded: false,
          total: 0,
          compact: false,
        });
      }
      for (const hall of hallList) {
        const owner = units.get(hall.unitId);
        if (!owner) continue;
        const node: HallNode = { hall, folded: fold(hall.name), li: h('li', { className: 'tree-hall', 'data-hall-id': hall.id }), box: h('input', { type: 'checkbox' }), label: h('label', {}) };
        owner.halls.push(node);
        hallNodes.set(hall.id, node);
      }
      roots = [];
      for (const node of units.values()) {
        const parent = node.unit.parentId === null ? undefined : units.get(node.unit.parentId);
        if (parent) parent.children.push(node);
        else roots.push(node);
      }
      for (const node of units.values()) {
        node.compact = node.children.length === 0 && node.halls.length === 1;
        // Found by its hall's name too, as the hall has no row of its own.
        if (node.compact) node.folded = `${node.folded} ${node.halls[0]?.folded}`;
      }
      for (const root of roots) {
        root.expanded = true;
        count(root);
        buildUnit(root, 0);
      }
      sortOutside();
      tree.replaceChildren(...roots.map((r) => r.li));
      empty.hidden = roots.length > 0;
      applyFilter(filter);
      search.value = filter;
      refresh();
      // Reading the layout makes the browser lay the rows out now: the measure includes it.
      void tree.getBoundingClientRect().height;
      el.dataset['renderMs'] = (performance.now() - started).toFixed(1);
    },
    setHost(hallId) {
      host = hallId;
      refresh();
    },
    setSelected(hallIds) {
      selected.clear();
      outside.clear();
      for (const id of hallIds) selected.add(id);
      if (roots.length > 0) sortOutside();
      refresh();
    },
    selectedHallIds,
    selection() {
      const unitIds: string[] = [];
      const hallIds: string[] = [];
      const walk = (node: UnitNode): void => {
        const all = subtreeHalls(node);
        const chosen = all.filter((id) => selected.has(id) && id !== host).length;
        if (all.length > 1 && chosen > 0 && all.every((id) => selected.has(id) || id === host)) {
          unitIds.push(node.unit.id);
          return;
        }
        for (const hall of node.halls) if (selected.has(hall.hall.id) && hall.hall.id !== host) hallIds.push(hall.hall.id);
        node.children.forEach(walk);
      };
      roots.forEach(walk);
      for (const id of outside) if (id !== host && !hallNodes.has(id)) hallIds.push(id);
      return { unitIds, hallIds };
    },
    halls() {
      const list: PickerHall[] = [];
      const walk = (node: UnitNode) => {
        for (const hall of node.halls) list.push(hall.hall);
        node.children.forEach(walk);
      };
      roots.forEach(walk);
      return list;
    },
    unitName(unitId) {
      return names.get(unitId);
    },
    setFilter(query) {
      search.value = query;
      applyFilter(query);
    },
  };
}
