/** The node registry as signaling's Placement: the meeting → node map and the nodes' public URLs. */
import type { MeetingId } from '../protocol/ids.js';
import type { Claim, Placement } from '../signaling/placement.js';
import type { NodeRegistry } from './registry.js';

/** How long the list of node origins is reused; a node that just joined waits at most this long to be allowed. */
const ORIGINS_TTL_MS = 2000;

/**
 * `mediaOnly`: this node announces units (NODE_UNITS), a district's node in the cascade: a free
 * meeting goes to a node that announces none (the province's), if one is live, so the chair's side
 * stays the meeting's home and this node only takes its units' media.
 */
export function createPlacement(registry: NodeRegistry, ownUrl: () => string, mediaOnly = false): Placement {
  let origins: { at: number; set: Promise<Set<string>> } | undefined;
  const nodeOrigins = (): Promise<Set<string>> => {
    if (!origins || Date.now() - origins.at > ORIGINS_TTL_MS) {
      const set = registry.nodes().then((nodes) => new Set([ownUrl(), ...nodes.map((n) => n.url)].flatMap(originOf)));
      origins = { at: Date.now(), set };
      // A failed lookup is not kept.
      set.catch(() => (origins = undefined));
    }
    return origins.set;
  };
  return {
    async claim(meetingId: MeetingId): Promise<Claim> {
      if (mediaOnly && !(await registry.ownerOf(meetingId))) {
        const homes = (await registry.nodes()).filter((n) => n.units.length === 0 && n.id !== registry.id && n.url);
        const home = homes.sort((a, b) => a.load.participants - b.load.participants)[0];
        if (home) return { here: false, url: home.url };
      }
      const owner = await registry.claimMeeting(meetingId);
      if (owner === registry.id) return { here: true };
      const url = (await registry.nodeInfo(owner))?.url;
      // Live by the claim, yet its hash expired in between: it is about to count as gone.
      if (!url) throw new Error(`meeting ${meetingId} is served by node ${owner}, whose URL is unknown`);
      return { here: false, url };
    },
    release: (meetingId) => registry.releaseMeeting(meetingId),
    async allowsOrigin(origin: string): Promise<boolean> {
      return (await nodeOrigins()).has(origin);
    },
    async nodeUrls(): Promise<string[]> {
      return [...new Set([ownUrl(), ...(await registry.nodes()).map((n) => n.url)])].filter(Boolean).sort();
    },
  };
}

function originOf(url: string): string[] {
  try {
    return url ? [new URL(url).origin] : [];
  } catch {
    return [];
  }
}
