"""Real parts that tests switch off and on: an SMTP server and a TCP path to the broker, on 127.0.0.1."""

import contextlib
import socket
import threading


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FakeSmtpServer:
    """An SMTP server on a fixed local port that can be down (nothing listens: connection refused)
    or up (aiosmtpd accepts and keeps every message)."""

    def __init__(self):
        self.port = free_port()
        self.messages = []  # raw bytes of every message accepted
        self._controller = None

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        self.messages.append(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"

    def up(self):
        from aiosmtpd.controller import Controller

        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def down(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def use_in(self, settings):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = self.port
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 5


class TcpProxy:
    """A local port that forwards to (host, port) while up; while down nothing listens and every
    open connection is cut, as when the broker's host goes away."""

    def __init__(self, host, port):
        self.target = (host, port)
        self.port = free_port()
        self._listener = None
        self._sockets = []
        self._lock = threading.Lock()

    def up(self):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(50)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def down(self):
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for s in sockets:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._sockets += [client, upstream]
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client), daemon=True).start()

    @staticmethod
    def _pipe(src, dst):
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)


def point_celery_at(app, url):
    """Point the Celery app (web side and worker) at broker `url`, forgetting pooled connections."""
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None
