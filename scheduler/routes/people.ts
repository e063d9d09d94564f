import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ApiContext } from '../context.js';

/** Not built yet. */
export const peopleRoutes: FastifyPluginAsyncTypebox<ApiContext> = async () => {};
