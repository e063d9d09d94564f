// Builds the browser client into client/dist/. Type checking is `npm run typecheck`'s job.
import { copyFile, mkdir } from 'node:fs/promises';
import { build } from 'esbuild';

const root = new URL('../client/', import.meta.url);
const dist = new URL('dist/', root);

await mkdir(dist, { recursive: true });
// Two pages: the join page (/join) and the office web app (/app).
const pages = [
  ['src/main.ts', 'join.js'],
  ['src/app/main.ts', 'app.js'],
];
await Promise.all(
  pages.map(([entry, out]) =>
    build({
      entryPoints: [new URL(entry, root).pathname],
      outfile: new URL(out, dist).pathname,
      bundle: true,
      format: 'esm',
      target: ['chrome110', 'firefox110', 'safari16'],
      sourcemap: true,
      minify: true,
      logLevel: 'warning',
    }),
  ),
);
await Promise.all(['join.html', 'styles.css', 'app.html', 'app.css'].map((file) => copyFile(new URL(file, root), new URL(file, dist))));
console.log('client built into client/dist/');
