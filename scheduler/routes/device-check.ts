import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { types as ms } from 'mediasoup';
import { DtlsParameters } from '../../protocol/messages.js';
import type { Probes } from '../../sfu/probe.js';
import { callerOf, requireRole } from '../auth/plugin.js';
import type { ApiContext } from '../context.js';
import { Deleted, IdParams, responses } from '../schemas.js';

const Protocol = Type.Union([Type.Literal('udp'), Type.Literal('tcp')], { description: 'The only protocol the probe offers candidates for' });
const OpenBody = Type.Object({ protocol: Protocol }, { additionalProperties: false });
/**
 * Checked by shape only, and without typed leaves: this API's validator coerces types, which would
 * turn codec parameters like RTX's numeric `apt` into strings. mediasoup validates the rest (→ 400).
 */
const Loose = { additionalProperties: true } as const;
const RtpParameters = Type.Unsafe<ms.RtpParameters>(
  Type.Object(
    {
      codecs: Type.Array(Type.Object({}, Loose), { minItems: 1, maxItems: 16 }),
      headerExtensions: Type.Optional(Type.Array(Type.Object({}, Loose), { maxItems: 32 })),
      encodings: Type.Optional(Type.Array(Type.Object({}, Loose), { maxItems: 8 })),
      rtcp: Type.Optional(Type.Object({}, Loose)),
    },
    Loose,
  ),
);
const ConnectBody = Type.Object({ dtlsParameters: DtlsParameters }, { additionalProperties: false });
const ProduceBody = Type.Object(
  { kind: Type.Union([Type.Literal('audio'), Type.Literal('video')]), rtpParameters: RtpParameters },
  { additionalProperties: false },
);
const Opened = Type.Object({
  id: Type.String(),
  routerRtpCapabilities: Type.Unknown({ description: 'mediasoup RtpCapabilities of the probe router' }),
  transport: Type.Object({
    id: Type.String(),
    iceParameters: Type.Unknown(),
    iceCandidates: Type.Array(Type.Unknown()),
    dtlsParameters: Type.Unknown(),
  }),
});
const Status = Type.Object({
  iceState: Type.String(),
  dtlsState: Type.String(),
  protocol: Type.Union([Protocol, Type.Null()], { description: 'Protocol of the selected ICE tuple, null before one is selected' }),
  packetsReceived: Type.Integer({ description: 'RTP packets received by the probe’s producers' }),
});

const security = [{ bearerAuth: [] }];
const tags = ['device-check'];

/**
 * The device check's network probe: a caller's browser sends a few seconds of media over UDP only,
 * then TCP only, to the conference media port, and reads back what arrived. Probes belong to whoever
 * opened them; each closes itself after a minute.
 */
export const deviceCheckRoutes: FastifyPluginAsyncTypebox<ApiContext & { probe: Probes }> = async (app, { probe: probes }) => {
  const owner = (request: FastifyRequest) => callerOf(request).person.id;

  app.post(
    '/api/device-check',
    {
      preHandler: requireRole(),
      schema: {
        tags,
        summary: 'Open a network probe restricted to UDP or TCP (at most 5 open per caller; each closes after 60 s)',
        security,
        body: OpenBody,
        response: responses(201, Opened, [400, 401, 429]),
      },
    },
    async (request, reply) => {
      const probe = await probes.open(owner(request), request.body.protocol);
      return reply.code(201).send({ id: probe.id, routerRtpCapabilities: probe.rtpCapabilities, transport: probe.transportInfo });
    },
  );

  app.post(
    '/api/device-check/:id/connect',
    {
      preHandler: requireRole(),
      schema: { tags, summary: 'Connect the probe transport (DTLS)', security, params: IdParams, body: ConnectBody, response: responses(200, Type.Object({ connected: Type.Literal(true) }), [400, 401, 404, 409]) },
    },
    async (request) => {
      await probes.get(owner(request), request.params.id).connect(request.body.dtlsParameters);
      return { connected: true as const };
    },
  );

  app.post(
    '/api/device-check/:id/produce',
    {
      preHandler: requireRole(),
      schema: { tags, summary: 'Send audio or video into the probe (one of each kind)', security, params: IdParams, body: ProduceBody, response: responses(200, Type.Object({ id: Type.String() }), [400, 401, 404, 409]) },
    },
    async (request) => ({ id: await probes.get(owner(request), request.params.id).produce(request.body.kind, request.body.rtpParameters) }),
  );

  app.get(
    '/api/device-check/:id',
    {
      preHandler: requireRole(),
      schema: { tags, summary: 'What reached the probe: ICE and DTLS state, the protocol in use, packets received', security, params: IdParams, response: responses(200, Status, [400, 401, 404]) },
    },
    async (request) => probes.get(owner(request), request.params.id).status(),
  );

  app.delete(
    '/api/device-check/:id',
    {
      preHandler: requireRole(),
      schema: { tags, summary: 'Close a probe', security, params: IdParams, response: responses(200, Deleted, [400, 401, 404]) },
    },
    async (request) => {
      probes.get(owner(request), request.params.id).close();
      return { deleted: true as const };
    },
  );
};
