import type { types as ms } from 'mediasoup';

/**
 * Where this node's media sockets other than the WebRtcServers listen: plain RTP ingest transports
 * and the cascade's pipe links to other nodes. Both are UDP on `listenIp`, told to the other side as
 * `announcedAddress` (when the listen address is a wildcard or behind NAT), on a port from `portRange`
 * (RTC_PORT_RANGE; mediasoup's 10000–59999 when unset), so a firewall between nodes can name them.
 */
export interface MediaListen {
  listenIp: string;
  announcedAddress: string | undefined;
  portRange: { min: number; max: number } | undefined;
}

export function plainListenInfo(listen: MediaListen): ms.TransportListenInfo {
  return {
    protocol: 'udp',
    ip: listen.listenIp,
    ...(listen.announcedAddress ? { announcedAddress: listen.announcedAddress } : {}),
    ...(listen.portRange ? { portRange: listen.portRange } : {}),
  };
}
