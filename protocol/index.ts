export * from './claims.js';
export * from './conference.js';
export * from './errors.js';
export * from './events.js';
export * from './ids.js';
export * from './messages.js';
