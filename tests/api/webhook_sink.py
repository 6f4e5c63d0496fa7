#!/usr/bin/python3
"""A webhook receiver for the webhook tests (tests/api/test_webhooks.c), on loopback, with the
standard library's http.server.

usage: webhook_sink.py DIR [--fail-first N]

Listens on 127.0.0.1 on a free port and writes the port to DIR/port once it answers. Every POST is
appended to DIR/messages.jsonl as one JSON line {"path", "headers" (names in lower case), "body",
"status"} before it answers. With --fail-first, the first N requests are answered 500; the others
204. Stops on SIGTERM.
"""
import http.server
import json
import os
import signal
import sys
import threading

out_dir = sys.argv[1]
fail_first = int(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[2] == '--fail-first' else 0
count = 0
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        global count
        body = self.rfile.read(int(self.headers.get('Content-Length', '0'))).decode('utf-8')
        with lock:
            count += 1
            status = 500 if count <= fail_first else 204
            record = {'path': self.path, 'headers': {k.lower(): v for k, v in self.headers.items()},
                      'body': body, 'status': status}
            with open(os.path.join(out_dir, 'messages.jsonl'), 'a') as f:
                f.write(json.dumps(record) + '\n')
        self.send_response(status)
        self.send_header('Content-Length', '0')
        self.end_headers()

    def log_message(self, fmt, *args):
        pass


server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
with open(os.path.join(out_dir, 'port.tmp'), 'w') as f:
    f.write(str(server.server_address[1]))
os.rename(os.path.join(out_dir, 'port.tmp'), os.path.join(out_dir, 'port'))
signal.signal(signal.SIGTERM, lambda signum, frame: threading.Thread(target=server.shutdown).start())
server.serve_forever()
