/**
 * Request payloads of the signaling protocol, as TypeBox schemas: the server
 * validates against them, and both sides use the static types.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { types as ms } from 'mediasoup';

const Id = Type.String({ minLength: 1, maxLength: 64 });
const Param = Type.Union([Type.String({ maxLength: 256 }), Type.Number(), Type.Boolean()]);
const Params = Type.Record(Type.String({ maxLength: 64 }), Param, { maxProperties: 32 });
/** An object we check by shape only; mediasoup validates the rest and its errors become BAD_REQUEST. */
const Loose = (properties: Parameters<typeof Type.Object>[0]) => Type.Object(properties, { additionalProperties: true });
/** A schema whose static type is mediasoup's own type. */
const As = <T>(schema: TSchema) => Type.Unsafe<T>(schema);

const Codec = Loose({ mimeType: Type.String({ maxLength: 64 }), clockRate: Type.Integer(), parameters: Type.Optional(Params) });
const HeaderExtension = Loose({ uri: Type.String({ maxLength: 256 }) });

export const RtpCapabilities = As<ms.RtpCapabilities>(
  Loose({
    codecs: Type.Optional(Type.Array(Codec, { maxItems: 64 })),
    headerExtensions: Type.Optional(Type.Array(HeaderExtension, { maxItems: 64 })),
  }),
);

export const RtpParameters = As<ms.RtpParameters>(
  Loose({
    mid: Type.Optional(Type.String({ maxLength: 32 })),
    codecs: Type.Array(Codec, { minItems: 1, maxItems: 16 }),
    headerExtensions: Type.Optional(Type.Array(HeaderExtension, { maxItems: 32 })),
    encodings: Type.Optional(Type.Array(Loose({}), { maxItems: 8 })),
    rtcp: Type.Optional(Loose({})),
  }),
);

export const DtlsParameters = As<ms.DtlsParameters>(
  Loose({
    role: Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('client'), Type.Literal('server')])),
    fingerprints: Type.Array(Loose({ algorithm: Type.String({ maxLength: 32 }), value: Type.String({ maxLength: 256 }) }), {
      minItems: 1,
      maxItems: 8,
    }),
  }),
);

export const MEDIA_SOURCES = ['mic', 'camera', 'screen'] as const;
export type MediaSource = (typeof MEDIA_SOURCES)[number];
export const MediaSourceSchema = Type.Union(MEDIA_SOURCES.map((s) => Type.Literal(s)));

export const Empty = Type.Object({}, { additionalProperties: false });
export type Empty = Static<typeof Empty>;

export const JoinRequest = Type.Object({ rtpCapabilities: RtpCapabilities }, { additionalProperties: false });
export type JoinRequest = Static<typeof JoinRequest>;

export const CreateTransportRequest = Type.Object(
  { direction: Type.Union([Type.Literal('send'), Type.Literal('recv')]), forceTcp: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export type CreateTransportRequest = Static<typeof CreateTransportRequest>;

export const ConnectTransportRequest = Type.Object({ transportId: Id, dtlsParameters: DtlsParameters }, { additionalProperties: false });
export type ConnectTransportRequest = Static<typeof ConnectTransportRequest>;

export const ProduceRequest = Type.Object(
  {
    transportId: Id,
    kind: Type.Union([Type.Literal('audio'), Type.Literal('video')]),
    source: MediaSourceSchema,
    rtpParameters: RtpParameters,
  },
  { additionalProperties: false },
);
export type ProduceRequest = Static<typeof ProduceRequest>;

export const ProducerRequest = Type.Object({ producerId: Id }, { additionalProperties: false });
export type ProducerRequest = Static<typeof ProducerRequest>;

export const RestartIceRequest = Type.Object({ transportId: Id }, { additionalProperties: false });
export type RestartIceRequest = Static<typeof RestartIceRequest>;
