// websocket.mjs ORIGIN MODE EVENTS TIMEOUT_MS - the live reload WebSocket as
// a client of its own sees it (Node has no WebSocket over HTTP/2, so the
// frames are written and read here, RFC 6455 §5). MODE is
//   h2: an extended CONNECT (RFC 8441) on an HTTP/2 session, after the
//       server's SETTINGS_ENABLE_CONNECT_PROTOCOL;
//   h1: an HTTP/1.1 Upgrade with Sec-WebSocket-Key, checking the accept key.
// Prints one JSON line per step:
//   {"open": 200, "mode": "h2", "connectProtocol": true, "streamId": 1}
//   {"pong": "hello"}                                  (a Ping answered)
//   {"ready": true}                                    (then the test changes files)
//   {"event": "css", "data": "/css/site.css"}          (one per text message)
//   {"close": 1000}                                    (the server's echo of our Close)
//   {"ended": true}                                    (the server ended its side)
// Exits 0 after that, 1 on an error, 2 on the timeout.
import crypto from 'node:crypto';
import http2 from 'node:http2';
import https from 'node:https';

const [origin, mode, eventsArg, timeoutArg] = process.argv.slice(2);
if (!origin || (mode !== 'h2' && mode !== 'h1')) {
  console.error('usage: node websocket.mjs ORIGIN h2|h1 EVENTS TIMEOUT_MS');
  process.exit(64);
}
const wanted = Number(eventsArg || 1);
const timer = setTimeout(() => {
  console.error('websocket: timed out');
  process.exit(2);
}, Number(timeoutArg || 20000));
const print = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const fail = (text) => {
  console.error(`websocket: ${text}`);
  process.exit(1);
};
const path = '/__h2scope/livereload';

// A client frame: FIN, the opcode, masked (§5.3).
function frame(opcode, payload) {
  const body = Buffer.from(payload);
  const mask = crypto.randomBytes(4);
  const head = body.length < 126 ? Buffer.from([0x80 | opcode, 0x80 | body.length])
    : Buffer.from([0x80 | opcode, 0x80 | 126, body.length >> 8, body.length & 0xff]);
  const masked = Buffer.alloc(body.length);
  for (let i = 0; i < body.length; ++i) masked[i] = body[i] ^ mask[i & 3];
  return Buffer.concat([head, mask, masked]);
}

// Server frames from a byte stream: never masked (§5.1).
function reader(onFrame) {
  let buffer = Buffer.alloc(0);
  return (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      if (buffer.length < 2) return;
      if (buffer[1] & 0x80) fail('the server masked a frame');
      let length = buffer[1] & 0x7f;
      let at = 2;
      if (length === 126) {
        if (buffer.length < 4) return;
        length = buffer.readUInt16BE(2);
        at = 4;
      } else if (length === 127) {
        if (buffer.length < 10) return;
        length = Number(buffer.readBigUInt64BE(2));
        at = 10;
      }
      if (buffer.length < at + length) return;
      onFrame(buffer[0] & 0x0f, buffer.subarray(at, at + length));
      buffer = buffer.subarray(at + length);
    }
  };
}

function run(stream) {
  let seen = 0;
  let closing = false;
  stream.on('data', reader((opcode, payload) => {
    if (opcode === 0xa) { // Pong
      print({ pong: payload.toString() });
      print({ ready: true });
    } else if (opcode === 0x1) {
      const text = payload.toString();
      const nl = text.indexOf('\n');
      print({ event: text.slice(0, nl), data: text.slice(nl + 1) });
      if (++seen >= wanted) {
        closing = true;
        const code = Buffer.alloc(2);
        code.writeUInt16BE(1000);
        stream.write(frame(0x8, Buffer.concat([code, Buffer.from('done')])));
      }
    } else if (opcode === 0x8) {
      print({ close: payload.length >= 2 ? payload.readUInt16BE(0) : 1005 });
      if (!closing) fail('the server closed first');
    } else if (opcode !== 0x9) {
      fail(`unexpected opcode ${opcode}`);
    }
  }));
  let ended = false;
  stream.on('end', () => {
    if (!closing) fail('the server ended the stream');
    ended = true;
    print({ ended: true });
    stream.end(); // our side too: the stream (or connection) closes cleanly
  });
  stream.on('close', () => {
    if (!ended) fail('closed before the server ended its side');
    clearTimeout(timer);
    setTimeout(() => process.exit(0), 50);
  });
  stream.on('error', (err) => { if (!closing) fail(`stream: ${err.message}`); });
  stream.write(frame(0x9, 'hello'));
}

if (mode === 'h2') {
  const session = http2.connect(origin, { rejectUnauthorized: false });
  session.on('error', (err) => fail(`session: ${err.message}`));
  session.once('remoteSettings', (settings) => {
    if (!settings.enableConnectProtocol) fail('no SETTINGS_ENABLE_CONNECT_PROTOCOL from the server');
    const req = session.request({
      ':method': 'CONNECT', ':protocol': 'websocket', ':scheme': 'https', ':path': path,
      ':authority': new URL(origin).host, 'sec-websocket-version': '13',
    }, { endStream: false });
    req.on('response', (h) => {
      print({ open: h[':status'], mode, connectProtocol: true, streamId: req.id });
      if (h[':status'] !== 200) fail(`status ${h[':status']}`);
      run(req);
    });
    req.on('close', () => session.close());
  });
} else {
  const key = crypto.randomBytes(16).toString('base64');
  const expected = crypto.createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
  const req = https.request(origin + path, {
    rejectUnauthorized: false,
    headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': key },
  });
  req.on('response', (res) => fail(`no upgrade: status ${res.statusCode}`));
  req.on('upgrade', (res, socket, head) => {
    if (res.headers['sec-websocket-accept'] !== expected) fail(`wrong accept key ${res.headers['sec-websocket-accept']}`);
    print({ open: res.statusCode, mode, upgrade: res.headers.upgrade });
    run(socket);
    if (head.length) socket.unshift(head);
  });
  req.on('error', (err) => fail(`request: ${err.message}`));
  req.end();
}
