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
  const redis = config.scheduler.redisUrl ? `Redis at ${config.scheduler.redisUrl.replace(/\/\/[^@/]*@/, '//***@')}` : `its own redis-server (AOF) in ${config.dataDir}/redis`;
  console.log(`
  diemcau is running at ${server.url}
  API: ${server.url}/api   OpenAPI: ${server.url}/docs
  store: ${redis}
  media (WebRTC): UDP+TCP port ${config.sfu.rtcPort || 'any'}${config.sfu.workers > 1 ? `–${config.sfu.rtcPort + config.sfu.workers - 1}` : ''}, announced as ${config.sfu.announcedAddress ?? config.sfu.listenIp}
  demo province and accounts:  npm run seed:demo
  make a join link:  npm run token -- --meeting demo --role chair --name "Chủ trì"
`);
  if (server.firstAdmin?.password) {
    console.log(`  First start: the admin account is "${server.firstAdmin.username}" with the one-time password  ${server.firstAdmin.password}
  (shown once; sign in and change it with PUT /api/me/password, or set ADMIN_PASSWORD before the first start)
`);
  }
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
