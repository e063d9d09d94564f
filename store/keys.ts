/**
 * Every Redis key of the service is built here, under one prefix, so two installs (or two
 * test files) can share a server and nothing spells a key inline.
 */
export function createKeys(prefix: string) {
  const key = (...parts: string[]) => [prefix, ...parts].join(':');
  return {
    /** hash: unit id → Unit JSON */
    units: () => key('units'),
    /** hash: hall id → Hall JSON */
    halls: () => key('halls'),
    /** hash: person id → Person JSON */
    people: () => key('people'),
    /** hash: username (lower case) → person id */
    usernames: () => key('usernames'),
    /** hash: person id → scrypt password hash */
    credentials: () => key('credentials'),
    /** hash: feed token → "person:<id>" or "hall:<id>" */
    feedTokens: () => key('feed-tokens'),
    /** string: Meeting JSON */
    meeting: (meetingId: string) => key('meeting', meetingId),
    /** zset: meeting id, score = end of its last occurrence (ms since epoch) */
    meetingsByEnd: () => key('meetings', 'by-end'),
    /** hash: invitation id → Invitation JSON */
    invitations: (meetingId: string) => key('meeting', meetingId, 'invitations'),
    /** zset: "meetingId|startMs|endMs" per booked occurrence, score = startMs; never overlapping */
    hallBookings: (hallId: string) => key('hall', hallId, 'bookings'),
    /** set: meeting ids where the person chairs, is a secretary or is invited (also after being taken off) */
    personMeetings: (personId: string) => key('person', personId, 'meetings'),
    /** list: attendance log entries (JSON) of a meeting, in order */
    attendance: (meetingId: string) => key('meeting', meetingId, 'attendance'),
    /** string with TTL: login attempts of a username or address */
    loginAttempts: (who: string) => key('login-attempts', who),
    /** string: set once the first admin account exists */
    bootstrapped: () => key('bootstrapped'),
    /** hash: "units" | "halls" | "people" → a counter raised on every write to that collection (optimistic checks) */
    directoryVersions: () => key('directory-versions'),
    /** hash: "person:<id>" or "hall:<id>" → its current feed token (the reverse of feedTokens) */
    feedTokenBySubject: () => key('feed-tokens', 'by-subject'),
    /** string with TTL: a live meeting's removed links and lock (AdmissionControl JSON) */
    admission: (meetingId: string) => key('meeting', meetingId, 'admission'),
    /** zset: node id, score = its last heartbeat (Redis server time, ms): who is in the cluster, and who is late */
    nodes: () => key('nodes'),
    /** hash with TTL: a node's addresses and load (NodeInfo fields), rewritten on every heartbeat */
    node: (nodeId: string) => key('node', nodeId),
    /** set: meeting ids a node has claimed, so its removal frees them */
    nodeMeetings: (nodeId: string) => key('node', nodeId, 'meetings'),
    /** hash: meeting id → id of the node that serves it */
    meetingNodes: () => key('meetings', 'node'),
    /** pub/sub channel prefix (not a key) of the Socket.IO Redis adapter: rooms and broadcasts across nodes */
    socketIo: () => key('socket.io'),
    /** pub/sub channel (not a key): messages to one node from the others (cluster/rpc.ts) */
    nodeBus: (nodeId: string) => key('bus', nodeId),
  };
}

export type Keys = ReturnType<typeof createKeys>;
