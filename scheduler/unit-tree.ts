import type { Unit } from '../store/records.js';

/** The administrative tree, of any depth, built from the unit records. */
export class UnitTree {
  readonly #byId = new Map<string, Unit>();
  readonly #children = new Map<string, string[]>();

  constructor(units: readonly Unit[]) {
    for (const unit of units) this.#byId.set(unit.id, unit);
    for (const unit of units) {
      if (unit.parentId === null) continue;
      const siblings = this.#children.get(unit.parentId) ?? [];
      siblings.push(unit.id);
      this.#children.set(unit.parentId, siblings);
    }
  }

  get(id: string): Unit | undefined {
    return this.#byId.get(id);
  }
  has(id: string): boolean {
    return this.#byId.has(id);
  }
  children(id: string): Unit[] {
    return (this.#children.get(id) ?? []).map((c) => this.#byId.get(c) as Unit);
  }
  roots(): Unit[] {
    return [...this.#byId.values()].filter((u) => u.parentId === null);
  }

  /** The unit and everything below it. */
  subtree(id: string): Set<string> {
    const found = new Set<string>();
    const stack = this.#byId.has(id) ? [id] : [];
    while (stack.length > 0) {
      const next = stack.pop() as string;
      if (found.has(next)) continue;
      found.add(next);
      stack.push(...(this.#children.get(next) ?? []));
    }
    return found;
  }

  /** From the root down to the unit. */
  path(id: string): Unit[] {
    const path: Unit[] = [];
    const seen = new Set<string>();
    for (let unit = this.#byId.get(id); unit && !seen.has(unit.id); unit = unit.parentId ? this.#byId.get(unit.parentId) : undefined) {
      seen.add(unit.id);
      path.unshift(unit);
    }
    return path;
  }

  /** Is `id` the unit `ancestorId` or below it? */
  isWithin(id: string, ancestorId: string): boolean {
    return this.path(id).some((u) => u.id === ancestorId);
  }
}
