/**
 * The signed-in session: the API token, when it expires, and who it is. Kept in localStorage so a
 * secretariat's tabs share it; dropped on sign-out, on expiry, and on the first 401.
 */
import type { AccountRole, Person, Unit } from '../../../store/records.js';

const STORAGE_KEY = 'diemcau.session';

export interface SessionData {
  token: string;
  expiresAt: string;
  person: Person;
}

export interface Me {
  person: Person;
  unit: Unit | null;
  unitPath: Unit[];
}

export class Session {
  #data: SessionData | null;
  me: Me | null = null;

  constructor(private readonly storage: Storage | null) {
    this.#data = read(storage);
    if (this.#data && Date.parse(this.#data.expiresAt) <= Date.now()) this.clear();
  }

  get token(): string | null {
    return this.#data?.token ?? null;
  }

  get signedIn(): boolean {
    return this.#data !== null;
  }

  get person(): Person | null {
    return this.me?.person ?? this.#data?.person ?? null;
  }

  get expiresAt(): number | null {
    return this.#data ? Date.parse(this.#data.expiresAt) : null;
  }

  has(role: AccountRole): boolean {
    const roles = this.person?.roles ?? [];
    return roles.includes(role) || (role === 'secretariat' && roles.includes('admin'));
  }

  /** Secretariat work (schedule, directory, reports): a secretariat or an admin. */
  get isOffice(): boolean {
    return this.has('secretariat');
  }

  start(data: SessionData): void {
    this.#data = data;
    try {
      this.storage?.setItem(STORAGE_KEY, JSON.stringify(data));
    } catch {
      // Blocked storage: the session lasts as long as the page.
    }
  }

  clear(): void {
    this.#data = null;
    this.me = null;
    try {
      this.storage?.removeItem(STORAGE_KEY);
    } catch {
      // Nothing stored.
    }
  }
}

function read(storage: Storage | null): SessionData | null {
  try {
    const raw = storage?.getItem(STORAGE_KEY);
    if (!raw) return null;
    const data = JSON.parse(raw) as Partial<SessionData>;
    return typeof data.token === 'string' && typeof data.expiresAt === 'string' && data.person ? (data as SessionData) : null;
  } catch {
    return null;
  }
}
