import { loadConfig, type Config } from './config.js';
import { createServer } from './server.js';

let config: Config;
try {
  config = loadConfig(process.env);
} catch (error) {
  console.error(`diemcau: invalid configuration: ${(error as Error).message}`);
  process.exit(1);
}

try {
  const server = await createServer(config);
  console.log(`
  diemcau is running at ${server.url}
  media (WebRTC): UDP+TCP port ${config.sfu.rtcPort || 'any'}${config.sfu.workers > 1 ? `–${config.sfu.rtcPort + config.sfu.workers - 1}` : ''}, announced as ${config.sfu.announcedAddress ?? config.sfu.listenIp}
  make a join link:  npm run token -- --meeting demo --role chair --name "Chủ trì"
`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.log.info('stopping', { signal });
    server.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
} catch (error) {
  console.error(`diemcau: cannot start: ${(error as Error).message}`);
  process.exit(1);
}
