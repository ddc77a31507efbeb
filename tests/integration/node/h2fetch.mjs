// h2fetch.mjs ORIGIN PATH... - fetch every PATH concurrently on ONE HTTP/2
// session with Node's built-in http2 client and print a JSON summary:
//   { "alpn": "h2", "sessions": 1, "results": [ { "path", "status", "bytes",
//     "sha256", "contentType", "protocolStreamId" }, ... ] }
// Exits 0 when every request got a response (whatever the status), 1 on a
// session or stream error, 2 on the overall timeout.
import http2 from 'node:http2';
import { createHash } from 'node:crypto';

const [origin, ...paths] = process.argv.slice(2);
if (!origin || paths.length === 0) {
  console.error('usage: node h2fetch.mjs ORIGIN PATH...');
  process.exit(64);
}

const timer = setTimeout(() => {
  console.error('h2fetch: timed out');
  process.exit(2);
}, 20000);

let sessions = 0;
const session = http2.connect(origin, { rejectUnauthorized: false }, () => {
  sessions += 1;
});
session.on('error', (err) => {
  console.error(`h2fetch: session error: ${err.message}`);
  process.exit(1);
});

function fetchOne(path) {
  return new Promise((resolve, reject) => {
    const req = session.request({ ':method': 'GET', ':path': path });
    const hash = createHash('sha256');
    let bytes = 0;
    let headers = {};
    req.on('response', (h) => { headers = h; });
    req.on('data', (chunk) => { bytes += chunk.length; hash.update(chunk); });
    req.on('end', () => resolve({
      path,
      status: headers[':status'],
      bytes,
      sha256: hash.digest('hex'),
      contentType: headers['content-type'] ?? null,
      contentLength: headers['content-length'] !== undefined ? Number(headers['content-length']) : null,
      streamId: req.id,
    }));
    req.on('error', reject);
    req.end();
  });
}

try {
  const results = await Promise.all(paths.map(fetchOne));
  const summary = {
    alpn: session.alpnProtocol ?? null,
    sessions,
    results,
  };
  session.close();
  clearTimeout(timer);
  process.stdout.write(JSON.stringify(summary) + '\n');
} catch (err) {
  console.error(`h2fetch: stream error: ${err.message}`);
  process.exit(1);
}
