/**
 * Request payloads of the signaling protocol, as TypeBox schemas: the server
 * validates against them, and both sides use the static types.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { types as ms } from 'mediasoup';
import { ID_PATTERN } from './ids.js';

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

/**
 * A plain RTP send transport (no ICE, no DTLS) for an encoder that is not a browser: a hall's IP
 * camera fed through ffmpeg, or the load harness. No options yet; an object so some can be added.
 */
export const CreateIngestTransportRequest = Type.Object({}, { additionalProperties: false });
export type CreateIngestTransportRequest = Static<typeof CreateIngestTransportRequest>;

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

// Conference control (chair console, floor, mutes, messages). Ids are checked by shape; the
// live state says whether they name someone present.

const ParticipantIdSchema = Type.String({ minLength: 1, maxLength: 64 });

export const FloorRequestPayload = Type.Object(
  {
    /** The agenda item the request is about, by its id in the meeting record. */
    agendaItem: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    /** A short subject, shown in the chair's queue. */
    subject: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type FloorRequestPayload = Static<typeof FloorRequestPayload>;

/** Seconds a turn may be limited to. */
export const TURN_LIMIT = { min: 1, max: 3600 } as const;

export const GrantFloorRequest = Type.Object(
  {
    /** Whom to give the floor; the head of the queue when left out. */
    participantId: Type.Optional(ParticipantIdSchema),
    /** An optional time limit for the turn; when it runs out the floor is revoked. */
    timeLimitSeconds: Type.Optional(Type.Integer({ minimum: TURN_LIMIT.min, maximum: TURN_LIMIT.max })),
  },
  { additionalProperties: false },
);
export type GrantFloorRequest = Static<typeof GrantFloorRequest>;

export const SkipFloorRequest = Type.Object(
  { participantId: Type.Optional(ParticipantIdSchema) },
  { additionalProperties: false },
);
export type SkipFloorRequest = Static<typeof SkipFloorRequest>;

export const ParticipantRequest = Type.Object({ participantId: ParticipantIdSchema }, { additionalProperties: false });
export type ParticipantRequest = Static<typeof ParticipantRequest>;

export const MuteSiteRequest = Type.Object(
  {
    participantId: ParticipantIdSchema,
    /** false lets the site speak (and resumes its microphone); true by default. */
    muted: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type MuteSiteRequest = Static<typeof MuteSiteRequest>;

export const FreeDiscussionRequest = Type.Object({ open: Type.Boolean() }, { additionalProperties: false });
export type FreeDiscussionRequest = Static<typeof FreeDiscussionRequest>;

export const SpotlightRequest = Type.Object(
  {
    /** The participant whose video becomes the main video; null goes back to the chair's hall. */
    participantId: Type.Union([ParticipantIdSchema, Type.Null()]),
  },
  { additionalProperties: false },
);
export type SpotlightRequest = Static<typeof SpotlightRequest>;

export const LockRequest = Type.Object({ locked: Type.Boolean() }, { additionalProperties: false });
export type LockRequest = Static<typeof LockRequest>;

export const AdmitRequest = Type.Object({ subjectId: Type.String({ pattern: ID_PATTERN }) }, { additionalProperties: false });
export type AdmitRequest = Static<typeof AdmitRequest>;

export const MESSAGE_AUDIENCES = ['all', 'control'] as const;
export type MessageAudience = (typeof MESSAGE_AUDIENCES)[number];

export const SendMessageRequest = Type.Object(
  {
    text: Type.String({ minLength: 1, maxLength: 1000 }),
    /** "all": everyone in the meeting; "control": the chair and secretary only (e.g. "no sound in our hall"). */
    to: Type.Union(MESSAGE_AUDIENCES.map((a) => Type.Literal(a))),
  },
  { additionalProperties: false },
);
export type SendMessageRequest = Static<typeof SendMessageRequest>;

/** Grid tiles per page at most: 25 tiles at the lowest layer is what a console screen shows. */
export const MAX_GRID_PAGE_SIZE = 25;

export const GridPageRequest = Type.Object(
  {
    page: Type.Integer({ minimum: 0, maximum: 1000 }),
    pageSize: Type.Integer({ minimum: 1, maximum: MAX_GRID_PAGE_SIZE }),
  },
  { additionalProperties: false },
);
export type GridPageRequest = Static<typeof GridPageRequest>;

// Lifecycle, roll call and lobby.

/** A site's headcount: people in the hall. */
export const HEADCOUNT = { min: 0, max: 10000 } as const;
const Headcount = Type.Integer({ minimum: HEADCOUNT.min, maximum: HEADCOUNT.max });

export const RollCallRequest = Type.Object(
  {
    /** Keep pushing `roll-call` to this console as it changes (default true); false stops it. */
    watch: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type RollCallRequest = Static<typeof RollCallRequest>;

export const ConfirmPresenceRequest = Type.Object({ headcount: Type.Optional(Headcount) }, { additionalProperties: false });
export type ConfirmPresenceRequest = Static<typeof ConfirmPresenceRequest>;

export const HeadcountRequest = Type.Object({ headcount: Headcount }, { additionalProperties: false });
export type HeadcountRequest = Static<typeof HeadcountRequest>;
