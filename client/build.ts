/**
 * Builds the web app when its sources changed since the last build, so that `npm start` always
 * serves the current app without a separate build step. A hash of the sources, written next to the
 * build, tells whether it is current; an unchanged app costs a few milliseconds to check.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLIENT_ROOT = fileURLToPath(new URL('./', import.meta.url));
export const WEB_APP_DIST = join(CLIENT_ROOT, 'dist');
const STAMP = join(WEB_APP_DIST, '.source-hash');
const INPUTS = ['index.html', 'vite.config.ts', 'package.json', 'src', 'public'];

function inputFiles(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

export function sourceHash(): string {
  const hash = createHash('sha256');
  const all = INPUTS.flatMap((input) => inputFiles(join(CLIENT_ROOT, input))).sort();
  for (const file of all) hash.update(relative(CLIENT_ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

export function webAppIsCurrent(): boolean {
  return existsSync(join(WEB_APP_DIST, 'index.html')) && existsSync(STAMP) && readFileSync(STAMP, 'utf8') === sourceHash();
}

/**
 * Builds into client/dist unless the build there is current. Returns whether it built.
 * The build goes to a folder of its own and is then swapped in, so two processes starting at once
 * never serve, or build over, half a build.
 */
export async function ensureWebAppBuilt(log: (message: string) => void = () => {}): Promise<boolean> {
  if (webAppIsCurrent()) return false;
  const started = Date.now();
  log('Building the web app…');
  const hash = sourceHash();
  const staging = join(CLIENT_ROOT, `.dist-${process.pid}-${randomBytes(4).toString('hex')}`);
  const retired = `${staging}-old`;
  try {
    const { build } = await import('vite');
    await build({ root: CLIENT_ROOT, configFile: join(CLIENT_ROOT, 'vite.config.ts'), logLevel: 'warn', build: { outDir: staging, emptyOutDir: true } });
    writeFileSync(join(staging, '.source-hash'), hash);
    try {
      if (existsSync(WEB_APP_DIST)) renameSync(WEB_APP_DIST, retired);
      renameSync(staging, WEB_APP_DIST);
    } catch (error) {
      // Another process swapped in its build of the same sources first: that one serves.
      if (!webAppIsCurrent()) throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
    rmSync(retired, { recursive: true, force: true });
  }
  log(`Built the web app in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}
