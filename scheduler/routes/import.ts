import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError } from '../../lib/errors.js';
import { callerOf, requireRole } from '../auth/plugin.js';
import type { ApiContext } from '../context.js';
import { IMPORT_COLUMNS, planImport, type ImportPlan } from '../csv-import.js';
import { responses } from '../schemas.js';

/** The CSV itself may be 1 MiB; its JSON string (escaped quotes and line breaks) a little more. */
const MAX_CSV_CHARS = 1024 * 1024;
const BODY_LIMIT = Math.floor(1.5 * 1024 * 1024);

const ImportBody = Type.Object(
  {
    csv: Type.String({ minLength: 1, maxLength: MAX_CSV_CHARS, description: `UTF-8 CSV text, header row first; columns ${IMPORT_COLUMNS.join(', ')}` }),
    dryRun: Type.Optional(Type.Boolean({ default: false, description: 'Check only: answer what would be created and updated, write nothing' })),
  },
  { additionalProperties: false },
);
const Counts = Type.Object({ units: Type.Integer({ minimum: 0 }), halls: Type.Integer({ minimum: 0 }) });
const ImportResult = Type.Object({
  dryRun: Type.Boolean(),
  created: Counts,
  updated: Counts,
  unchanged: Counts,
});

const security = [{ bearerAuth: [] }];

/** Units and halls from one CSV file, all or nothing. */
export const importRoutes: FastifyPluginAsyncTypebox<ApiContext> = async (app, { store }) => {
  app.post(
    '/api/directory/import',
    {
      preHandler: requireRole('secretariat'),
      bodyLimit: BODY_LIMIT,
      schema: {
        tags: ['units', 'halls'],
        summary: 'Import units and halls from a CSV (all or nothing; 400 lists every problem by line in details.errors)',
        description:
          'Columns (any order, header required): type (unit|hall), id, name, kind, parent_id, unit_id, location, operator_username. ' +
          'A row whose id exists updates that record; an empty cell in an update keeps the current value. Parents may come later in the file. ' +
          'A secretariat imports only inside its unit’s subtree.',
        security,
        body: ImportBody,
        response: { ...responses(200, ImportResult, [400, 401, 403]), 413: Type.Ref('ErrorResponse') },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { csv, dryRun = false } = request.body;
      const decide = (view: Parameters<typeof planImport>[1]): ImportPlan => {
        const check = planImport(csv, view, caller);
        if (!check.ok) {
          const lines = new Set(check.errors.map((e) => e.line)).size;
          throw new AppError('BAD_REQUEST', `The file has ${check.errors.length} problem(s) on ${lines} line(s); nothing was imported`, { errors: check.errors });
        }
        return check.plan;
      };
      const plan = dryRun
        ? decide(await store.directory.view())
        : await store.directory.writeMany((view) => {
            const p = decide(view);
            return { units: p.units, halls: p.halls, result: p };
          });
      return { dryRun, created: plan.created, updated: plan.updated, unchanged: plan.unchanged };
    },
  );
};
