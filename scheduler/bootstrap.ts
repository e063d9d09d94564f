import { bootstrapDirectory } from '../store/directory.js';
import type { Store } from '../store/store.js';
import type { SchedulerConfig } from './config.js';
import { generatePassword, hashPassword } from './auth/password.js';

/**
 * First start: the root unit and the first admin. Returns the generated password when none
 * was configured, so the start command can print it once.
 */
export async function bootstrap(store: Store, config: SchedulerConfig): Promise<{ username: string; password?: string } | undefined> {
  const password = config.adminPassword ?? generatePassword();
  const now = new Date().toISOString();
  const created = await bootstrapDirectory(store.redis, store.keys, {
    unit: { id: 'province', name: config.rootUnitName, kind: 'province', parentId: null, createdAt: now, updatedAt: now },
    admin: { id: 'admin', name: 'Quản trị hệ thống', unitId: 'province', username: config.adminUsername, roles: ['admin'], createdAt: now, updatedAt: now },
    passwordHash: await hashPassword(password),
  });
  if (!created) return undefined;
  return config.adminPassword ? { username: config.adminUsername } : { username: config.adminUsername, password };
}
