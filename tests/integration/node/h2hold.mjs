// h2hold.mjs ORIGIN PATH - open one HTTP/2 session, GET PATH, then keep the
// session open until the server ends it. Prints "ready" on its own line once
// the response is complete, then one JSON line when the session is gone:
//   { "status": 200, "goaway": { "errorCode": 0, "lastStreamID": 1 } | null,
//     "closed": true }
// Exits 0 when the session closed, 2 on the overall timeout.
import http2 from 'node:http2';

const [origin, path] = process.argv.slice(2);
if (!origin || !path) {
  console.error('usage: node h2hold.mjs ORIGIN PATH');
  process.exit(64);
}

const timer = setTimeout(() => {
  console.error('h2hold: timed out waiting for the server to close the session');
  process.exit(2);
}, 30000);

const result = { status: null, goaway: null, closed: false };
const session = http2.connect(origin, { rejectUnauthorized: false });
session.on('goaway', (errorCode, lastStreamID) => {
  result.goaway = { errorCode, lastStreamID };
});
session.on('error', (err) => {
  result.error = err.message;
});
session.on('close', () => {
  result.closed = true;
  clearTimeout(timer);
  process.stdout.write(JSON.stringify(result) + '\n');
});

const req = session.request({ ':method': 'GET', ':path': path });
req.on('response', (h) => { result.status = h[':status']; });
req.resume();
req.on('end', () => process.stdout.write('ready\n'));
req.on('error', (err) => { result.error = err.message; });
req.end();
