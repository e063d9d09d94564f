/**
 * Where meetings are served, as signaling sees the cluster: a meeting lives on one node, and a
 * join that reaches another node is sent there. server.ts passes an implementation over the node
 * registry (cluster/placement.ts); a signaling without one serves every meeting itself.
 */
import type { MeetingId } from '../protocol/ids.js';

export type Claim = { here: true } | { here: false; url: string };

export interface Placement {
  /** Takes the meeting for this node if it is free (or its node is gone); else where it is served. */
  claim(meetingId: MeetingId): Promise<Claim>;
  /** Gives up a meeting nobody on this node is in any more. */
  release(meetingId: MeetingId): Promise<void>;
  /** Whether a page from `origin` (a browser's Origin header) may open a socket here: one of the cluster's nodes. */
  allowsOrigin(origin: string): Promise<boolean>;
  /** The public URLs of the cluster's live nodes, this one included, sorted. */
  nodeUrls(): Promise<string[]>;
}
