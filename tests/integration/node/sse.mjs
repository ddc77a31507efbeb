// sse.mjs ORIGIN PAGE EVENTS TIMEOUT_MS - on ONE HTTP/2 session (Node's
// built-in http2 client): GET PAGE, then hold the live reload event stream
// /__h2scope/livereload. Prints one JSON line per step:
//   {"page": 200, "injected": true, "streamId": 1}
//   {"stream": 200, "contentType": "text/event-stream", "streamId": 3}   (then the test changes files)
//   {"event": "css", "data": "/css/site.css"}                            (one per event)
// Exits 0 after EVENTS events, 1 on a session or stream error, 2 on the timeout.
import http2 from 'node:http2';

const [origin, page, eventsArg, timeoutArg] = process.argv.slice(2);
if (!origin || !page) {
  console.error('usage: node sse.mjs ORIGIN PAGE EVENTS TIMEOUT_MS');
  process.exit(64);
}
const wanted = Number(eventsArg || 1);
const timer = setTimeout(() => {
  console.error('sse: timed out');
  process.exit(2);
}, Number(timeoutArg || 20000));

const print = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const session = http2.connect(origin, { rejectUnauthorized: false });
session.on('error', (err) => {
  console.error(`sse: session error: ${err.message}`);
  process.exit(1);
});

const pageReq = session.request({ ':method': 'GET', ':path': page });
let pageStatus = 0;
let html = '';
pageReq.setEncoding('utf8');
pageReq.on('response', (h) => { pageStatus = h[':status']; });
pageReq.on('data', (chunk) => { html += chunk; });
pageReq.on('error', (err) => { console.error(`sse: page: ${err.message}`); process.exit(1); });
pageReq.on('end', () => {
  print({ page: pageStatus, injected: html.includes('/__h2scope/livereload.js'), streamId: pageReq.id });
  openStream();
});
pageReq.end();

function openStream() {
  const req = session.request({ ':method': 'GET', ':path': '/__h2scope/livereload', accept: 'text/event-stream' });
  let buffer = '';
  let seen = 0;
  let done = false;
  req.setEncoding('utf8');
  req.on('response', (h) => {
    print({ stream: h[':status'], contentType: h['content-type'], streamId: req.id });
  });
  req.on('data', (chunk) => {
    buffer += chunk;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trim());
      }
      if (data.length === 0) continue; // retry: lines and comments
      print({ event, data: data.join('\n') });
      if (++seen >= wanted) {
        done = true;
        clearTimeout(timer);
        req.close();
        session.close();
        return;
      }
    }
  });
  req.on('error', (err) => {
    if (done) return;
    console.error(`sse: stream: ${err.message}`);
    process.exit(1);
  });
  req.on('end', () => {
    if (done) return;
    console.error('sse: the server ended the stream');
    process.exit(1);
  });
  req.end();
}
