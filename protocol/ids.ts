/** Branded ids: a HallId cannot be passed where a MeetingId is wanted. */
type Brand<T, B extends string> = T & { readonly __brand: B };

export type MeetingId = Brand<string, 'MeetingId'>;
export type ParticipantId = Brand<string, 'ParticipantId'>;
export type SubjectId = Brand<string, 'SubjectId'>;
export type HallId = Brand<string, 'HallId'>;
export type UnitId = Brand<string, 'UnitId'>;
export type TransportId = Brand<string, 'TransportId'>;
export type ProducerId = Brand<string, 'ProducerId'>;
export type ConsumerId = Brand<string, 'ConsumerId'>;
/** One server process of a cluster (NODE_ID). */
export type NodeId = Brand<string, 'NodeId'>;

/** Meeting and subject ids: short, URL- and Redis-key-safe. */
export const ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$';

/** An invitation's id: `h-` and a hall id, or `p-` and a person id (so up to 66 characters). */
export const INVITATION_ID_PATTERN = '^[hp]-[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$';
