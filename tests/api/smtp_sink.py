#!/usr/bin/python3
"""A real SMTP listener for the email tests (tests/api/test_mail.c), on loopback, with Debian's
python3-aiosmtpd.

usage: smtp_sink.py DIR [--hold-first SECONDS]

Listens on 127.0.0.1 on a free port and writes the port to DIR/port once it answers. Every message
whose DATA it receives is appended to DIR/messages.jsonl as one JSON line {"message_id", "to",
"subject", "body", "held"} before it answers. With --hold-first, its answer to the first message's
DATA waits that long (so that a test can kill the sender mid-delivery); the others are answered at
once. Stops on SIGTERM.
"""
import asyncio
import email
import email.policy
import json
import os
import signal
import socket
import sys
import time

from aiosmtpd.controller import Controller

out_dir = sys.argv[1]
hold = float(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[2] == '--hold-first' else 0.0
held_once = False


class Sink:
    async def handle_DATA(self, server, session, envelope):
        global held_once
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = msg.get_body(preferencelist=('plain',))
        holding = hold > 0 and not held_once
        record = {
            'message_id': str(msg.get('Message-ID', '')),
            'to': envelope.rcpt_tos,
            'subject': str(msg.get('Subject', '')),
            'body': body.get_content() if body else '',
            'held': holding,
        }
        with open(os.path.join(out_dir, 'messages.jsonl'), 'a') as f:
            f.write(json.dumps(record) + '\n')
        if holding:
            held_once = True
            await asyncio.sleep(hold)
        return '250 Message accepted for delivery'


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


port = free_port()
controller = Controller(Sink(), hostname='127.0.0.1', port=port)
controller.start()
with open(os.path.join(out_dir, 'port.tmp'), 'w') as f:
    f.write(str(port))
os.rename(os.path.join(out_dir, 'port.tmp'), os.path.join(out_dir, 'port'))
stop = False


def on_term(signum, frame):
    global stop
    stop = True


signal.signal(signal.SIGTERM, on_term)
while not stop:
    time.sleep(0.1)
controller.stop()
