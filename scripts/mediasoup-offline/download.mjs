// mediasoup's own prebuilt-worker download (what its postinstall does first),
// for installs where MEDIASOUP_WORKER_BIN made that postinstall stand aside.
import { platform, arch, release } from 'node:os';
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

const msDir = process.argv[2];
const require = createRequire(join(msDir, 'package.json'));
const pkg = require('./package.json');
const tar = require('tar');

// Same name as mediasoup's getWorkerPrebuildTarName().
const kernel = platform() === 'linux' ? `-kernel${release().split('.')[0]}` : '';
const base = pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
const url = `${base}/releases/download/${pkg.version}/mediasoup-worker-${pkg.version}-${platform()}-${arch()}${kernel}.tgz`;
const outDir = join(msDir, 'worker', 'out', 'Release');

try {
  const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
  mkdirSync(outDir, { recursive: true });
  await pipeline(Readable.fromWeb(res.body), tar.extract({ cwd: outDir, strict: true }));
  console.log('[mediasoup-worker] downloaded', url);
} catch (error) {
  console.log(`[mediasoup-worker] no prebuilt worker (${error.message}); will build it`);
  process.exit(1);
}
