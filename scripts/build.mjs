// Builds the browser client into client/dist/. Type checking is `npm run typecheck`'s job.
import { copyFile, mkdir } from 'node:fs/promises';
import { build } from 'esbuild';

const root = new URL('../client/', import.meta.url);
const dist = new URL('dist/', root);

await mkdir(dist, { recursive: true });
await build({
  entryPoints: [new URL('src/main.ts', root).pathname],
  outfile: new URL('join.js', dist).pathname,
  bundle: true,
  format: 'esm',
  target: ['chrome110', 'firefox110', 'safari16'],
  sourcemap: true,
  minify: true,
  logLevel: 'warning',
});
await Promise.all(['join.html', 'styles.css'].map((file) => copyFile(new URL(file, root), new URL(file, dist))));
console.log('client built into client/dist/');
