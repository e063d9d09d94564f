import type { Logger } from '../lib/log.js';
import type { Probes } from '../sfu/probe.js';
import type { Store } from '../store/store.js';
import type { SchedulerConfig } from './config.js';

/** What every API plugin is given: no globals, so a test can build two apps. */
export interface ApiContext {
  store: Store;
  config: SchedulerConfig;
  /** Secret shared by API session tokens and join tokens (their audiences differ). */
  jwtSecret: string;
  /** Base URL people open (join links, feed addresses); known once the server listens. */
  publicUrl(): string;
  log: Logger;
  /** The device check's network probes (media side); without them /api/device-check is not served. */
  probe?: Probes;
}
