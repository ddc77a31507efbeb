// Loads a page over HTTP/2 with push enabled, accepts the pushes whose path
// is in ACCEPT and cancels the others with RST_STREAM CANCEL; prints JSON:
// { status, pushes: [{path, accepted, status, sha256, bytes}] }.
// Usage: node pushes.mjs ORIGIN PATH ACCEPT_PATH[,ACCEPT_PATH...]
import http2 from 'node:http2';
import crypto from 'node:crypto';

const [origin, path, acceptList] = process.argv.slice(2);
const accept = new Set((acceptList || '').split(',').filter(Boolean));
const session = http2.connect(origin, { rejectUnauthorized: false, settings: { enablePush: true } });
const pushes = [];
const pending = [];
const timer = setTimeout(() => { console.error('timed out'); process.exit(2); }, 20000);

session.on('stream', (stream, requestHeaders) => {
  const p = { path: requestHeaders[':path'], accepted: accept.has(requestHeaders[':path']) };
  pushes.push(p);
  if (!p.accepted) {
    stream.close(http2.constants.NGHTTP2_CANCEL);
    return;
  }
  pending.push(new Promise((resolve) => {
    const hash = crypto.createHash('sha256');
    let bytes = 0;
    stream.on('push', (headers) => { p.status = headers[':status']; });
    stream.on('data', (chunk) => { hash.update(chunk); bytes += chunk.length; });
    stream.on('end', () => { p.sha256 = hash.digest('hex'); p.bytes = bytes; resolve(); });
    stream.on('error', () => resolve());
  }));
});

const req = session.request({ ':path': path, accept: 'text/html' });
let status = 0;
req.on('response', (headers) => { status = headers[':status']; });
req.resume();
req.on('end', async () => {
  await Promise.all(pending);
  // Give cancelled pushes' RST_STREAM time to leave before closing.
  setTimeout(() => {
    clearTimeout(timer);
    console.log(JSON.stringify({ status, pushes }));
    session.close();
  }, 200);
});
req.end();
