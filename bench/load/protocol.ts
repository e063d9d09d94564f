/** What the load harness's parts say to each other: the main thread to the sites' thread, node A to node B's process. */

export interface StormOrder {
  url: string;
  chairToken: string;
  siteTokens: string[];
  concurrency: number;
}
export interface StormReport {
  /** Date.now() of the first site's connect, and when the last site had joined (join ack). */
  firstConnectAt: number;
  allJoinedAt: number;
  /** Date.now() when each site's producers were created (RTP starts with the next tick). */
  producingAt: number[];
  joined: number;
  failed: number;
  errors: string[];
  participantIds: string[];
  chairId: string;
}
/** Requests to the sites' worker thread. */
export type ClientRequests = {
  storm: [StormOrder, StormReport];
  'grant-floor': [{ participantId: string }, null];
  stats: [Record<string, never>, { packetsSent: number; sites: number }];
  close: [Record<string, never>, null];
};

/** Node B's settings, from node A: the same Redis, prefix and JWT secret, its own units. */
export interface NodeBStart {
  redisUrl: string;
  redisPrefix: string;
  jwtSecret: string;
  units: string[];
  workers: number;
  heartbeatMs: number;
  timeoutMs: number;
}
/** A meeting's part on node B: node A (its home) and the participants whose media A placed on B. */
export interface ShardRef {
  home: string;
  meetingId: string;
  peerIds: string[];
}
/** Counters of one node, read at one moment; the figures are the differences of two samples. */
export interface NodeSample {
  /** performance.now() of the sampling process. */
  at: number;
  /** Packets and bytes the egress taps sent (the forwarding the sites' links would cause). */
  forwarded: { packets: number; bytes: number };
  /** What the sites' producers on this node received, and lost. */
  ingest: { packets: number; bytes: number; lost: number };
  /** Per mediasoup worker: CPU ms (user + system) so far. */
  cpu: number[];
  /** The node's process: CPU µs (user + system) and event loop counters. */
  nodeCpuUs: number;
  elu: { idle: number; active: number; utilization: number };
  link: LinkSample;
  /** Bytes resident: the node's process and each worker. */
  rss: { node: number; workers: number[] };
  workerPids: number[];
}
/** The cascade pipe transports of a node, summed: transport bytes, and packets of the streams crossing them. */
export interface LinkSample {
  pipes: number;
  bytesSent: number;
  bytesReceived: number;
  /** Streams sent over the link (pipe consumers) and their packets. */
  streamsOut: number;
  packetsOut: number;
  /** Streams received over the link (pipe producers), their packets and the packets they lost. */
  streamsIn: number;
  packetsIn: number;
  lostIn: number;
  /** Datagrams the kernel dropped at the pipes' sockets here (a receive buffer full while the worker did not read). */
  kernelDrops: number;
}
/** One B site's consumers of the chair's microphone and camera on B: what arrived over the link. */
export interface ChairReception {
  audio: StreamReception;
  video: StreamReception;
}
export interface StreamReception {
  /** The site's consumers of the chair's streams of this kind on B. */
  consumers: number;
  /** Bytes and packets the producers behind them (received over the link) got from node A. */
  bytes: number;
  packets: number;
  /** Packets the site's egress tap sent of them. */
  forwarded: number;
}
/** Requests to node B's process. */
export type NodeBRequests = {
  start: [NodeBStart, { nodeId: string; pid: number; workerPids: number[] }];
  /** When each producer of these peers first showed RTP (Date.now(), same clock as node A's: one machine). */
  flowing: [ShardRef, { flowingAt: number[]; producers: number }];
  /** Egress taps for every consumer of the peers; resolves once the video taps are at their layers. */
  tap: [ShardRef, { peers: number; consumers: number; taps: number; tapConsumers: number; byLayer: Record<string, number>; atLayer: boolean }];
  sample: [ShardRef, NodeSample & { shardPeers: number; receivedCount: number }];
  'chair-reception': [ShardRef & { siteId: string; producerIds: string[] }, ChairReception];
  close: [Record<string, never>, null];
};
