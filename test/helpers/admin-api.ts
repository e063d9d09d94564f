/** Calls to a whole server's API as the admin (TEST_ADMIN), for tests that set up meetings before driving a browser. */
import type { LightMyRequestResponse } from 'fastify';
import type { DiemcauServer } from '../../server.js';
import { TEST_ADMIN } from './config.js';

export type AdminApi = (method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: object) => Promise<LightMyRequestResponse>;

export async function adminApi(server: DiemcauServer): Promise<AdminApi> {
  const login = await server.app.inject({ method: 'POST', url: '/api/auth/login', payload: TEST_ADMIN });
  if (login.statusCode !== 200) throw new Error(`admin login: ${login.statusCode} ${login.body}`);
  const token = (login.json() as { token: string }).token;
  return (method, url, payload) => server.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
}
