"""A test SMTP server on aiosmtpd for `letterbox send` interop tests.

It listens on 127.0.0.1 (a free port unless --port), optionally with STARTTLS
(required) and AUTH (PLAIN, LOGIN; only after TLS), and writes every message
it accepts to OUT/N.eml, with its envelope in OUT/N.json. It prints
"READY <port>" on stdout once it accepts connections, and runs until stdin
closes or it gets SIGTERM.

usage: aiosmtpd_sink.py --out DIR [--cert PEM --key PEM] [--user U --password P]
"""
import argparse
import json
import os
import signal
import socket
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Store:
    def __init__(self, out):
        self.out = out
        self.n = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.n += 1
            base = os.path.join(self.out, str(self.n))
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        with open(base + ".json", "w") as f:
            json.dump({
                "mail_from": envelope.mail_from,
                "rcpt_tos": envelope.rcpt_tos,
                "mail_options": envelope.mail_options,
                "tls": session.ssl is not None,
                "auth": session.authenticated,
            }, f)
        return "250 2.0.0 OK queued as M%d" % self.n


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--user")
    ap.add_argument("--password")
    a = ap.parse_args()

    kw = {"enable_SMTPUTF8": True, "data_size_limit": 0}
    if a.cert:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.cert, a.key)
        kw.update(tls_context=ctx, require_starttls=True)
    if a.user:
        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (isinstance(auth_data, LoginPassword)
                  and auth_data.login.decode() == a.user
                  and auth_data.password.decode() == a.password)
            return AuthResult(success=ok)
        kw.update(authenticator=authenticator, auth_require_tls=bool(a.cert))
    port = a.port or free_port()
    ctl = Controller(Store(a.out), hostname="127.0.0.1", port=port, **kw)
    ctl.start()
    print("READY %d" % port, flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    stop.wait()
    ctl.stop()


if __name__ == "__main__":
    main()
