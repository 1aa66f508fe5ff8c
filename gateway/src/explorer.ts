import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ServerResponse } from 'node:http';

const require = createRequire(import.meta.url);

/** A file inside an installed package, whether or not the package's exports list it. */
function packageFile(packageName: string, file: string): string {
  return join(dirname(require.resolve(`${packageName}/package.json`)), file);
}

/** Everything the explorer page needs, served from installed packages: no CDN. */
const ASSETS: Record<string, { path: string; type: string }> = {
  '/explorer': { path: new URL('./explorer/index.html', import.meta.url).pathname, type: 'text/html; charset=utf-8' },
  '/explorer/assets/explorer.js': { path: new URL('./explorer/explorer.js', import.meta.url).pathname, type: 'text/javascript; charset=utf-8' },
  '/explorer/assets/explorer.css': { path: new URL('./explorer/explorer.css', import.meta.url).pathname, type: 'text/css; charset=utf-8' },
  '/explorer/assets/graphiql.js': { path: packageFile('graphiql', 'graphiql.min.js'), type: 'text/javascript; charset=utf-8' },
  '/explorer/assets/graphiql.css': { path: packageFile('graphiql', 'graphiql.min.css'), type: 'text/css; charset=utf-8' },
  '/explorer/assets/react.js': { path: packageFile('react', 'umd/react.production.min.js'), type: 'text/javascript; charset=utf-8' },
  '/explorer/assets/react-dom.js': { path: packageFile('react-dom', 'umd/react-dom.production.min.js'), type: 'text/javascript; charset=utf-8' },
};

const cache = new Map<string, Buffer>();

/** Serves the explorer; false when the path is not one of its files. */
export async function serveExplorer(pathname: string, response: ServerResponse): Promise<boolean> {
  const asset = ASSETS[pathname === '/explorer/' ? '/explorer' : pathname];
  if (!asset) return false;
  let content = cache.get(asset.path);
  if (!content) {
    content = await readFile(asset.path);
    cache.set(asset.path, content);
  }
  response.writeHead(200, {
    'content-type': asset.type,
    'content-length': content.length,
    'cache-control': pathname.startsWith('/explorer/assets/') ? 'public, max-age=3600' : 'no-cache',
    'content-security-policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
  });
  response.end(content);
  return true;
}
