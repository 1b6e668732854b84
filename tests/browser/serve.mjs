// A static file server for the built calculator (dist/), loopback only. Used by the serve
// command and by the browser tests and benchmark. Sends the right MIME type for .wasm, and can
// add headers (CORS, Content-Security-Policy) for the embedding tests.
//
//   node tests/browser/serve.mjs [DIR] [PORT]
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm', '.css': 'text/css; charset=utf-8', '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serves `root` on 127.0.0.1. `headers(urlPath)` may return extra headers; `routes` maps a path
 * to a handler `(req, res) => void` for test fixtures.
 * Resolves to { server, port, url, close }.
 */
export function serve(root, { port = 0, headers = () => ({}), routes = {} } = {}) {
  const base = path.resolve(root);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (routes[url.pathname]) return routes[url.pathname](req, res);
    let file = path.join(base, decodeURIComponent(url.pathname));
    if (!file.startsWith(base)) { res.writeHead(403).end('forbidden'); return; }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    fs.readFile(file, (err, body) => {
      if (err) { res.writeHead(404, { 'content-type': 'text/plain' }).end('not found'); return; }
      res.writeHead(200, {
        'content-type': TYPES[path.extname(file)] || 'application/octet-stream',
        'cache-control': 'no-cache',
        ...headers(url.pathname),
      });
      res.end(body);
    });
  });
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      const p = server.address().port;
      resolve({ server, port: p, url: `http://127.0.0.1:${p}`, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2] || 'dist';
  const port = Number(process.argv[3] || 8080);
  const { url } = await serve(dir, { port });
  console.log(`gencost calculator: ${url}/  (demo pricing page: ${url}/demo.html)  Ctrl-C to stop`);
}
