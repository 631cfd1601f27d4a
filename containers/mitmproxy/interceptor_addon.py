"""mtls-chaos interceptor addon for mitmdump (reverse mode in front of the lab's gateway).

Starts in passthrough: every connection is ignored (raw TCP relayed, TLS end to end, the client's
certificate reaches the gateway). When the run writes "intercept" to <state_dir>/mode, new
connections are intercepted: TLS terminated with the interception CA's leaf (--certs) and
re-originated to the gateway without a client certificate (mitmproxy has no client_certs set; it
never has the client's key). Passthrough connections still open at the switch are reset, like the
builtin interceptor does, so that every attempt of the fault window is either intercepted or cut.

Counters go to <state_dir>/stats.json (written atomically); the harness reads them and waits there
for a mode switch to be acknowledged. The mode file is read on SIGUSR1 (sent by the run after
writing it), at every ClientHello, and polled as a fallback.
"""

import asyncio
import json
import os
import signal
import socket
import struct

from mitmproxy import ctx

POLL_SECONDS = 0.01
# Counters are rewritten at most this often (a rename costs the event loop more than a ClientHello
# on a busy host); a mode switch is written at once, since the run waits for it.
STATS_SECONDS = 0.1


class Interceptor:
    def __init__(self):
        self.mode = "passthrough"
        self.counters = {
            "passedThrough": 0,
            "intercepted": 0,
            "clientHandshakeFailures": 0,
            "upstreamFailures": 0,
            "resetAtSwitch": 0,
        }
        self.open = set()
        self.passthrough = set()
        self.written = None
        self.written_at = 0.0
        self.poller = None

    def load(self, loader):
        loader.add_option("mtls_chaos_state_dir", str, "", "Folder of the mode file and stats.json.")
        loader.add_option("mtls_chaos_upstream_sni", str, "", "The gateway's name: SNI and the name checked in its certificate.")

    def running(self):
        self.read_mode()
        self.write_stats()
        loop = asyncio.get_running_loop()
        # The run sends SIGUSR1 after writing the mode file: the switch (and the reset of what was
        # passed through) then happens at once, not at the next poll.
        loop.add_signal_handler(signal.SIGUSR1, self.on_signal)
        self.poller = loop.create_task(self.poll())

    def on_signal(self):
        if self.read_mode():
            self.write_stats()

    def done(self):
        if self.poller:
            self.poller.cancel()

    def path(self, name):
        return os.path.join(ctx.options.mtls_chaos_state_dir, name)

    def read_mode(self):
        """Follows the mode file; True when the mode changed."""
        try:
            with open(self.path("mode"), encoding="utf-8") as file:
                wanted = file.read().strip()
        except OSError:
            return False
        if wanted not in ("passthrough", "intercept") or wanted == self.mode:
            return False
        self.mode = wanted
        if wanted == "intercept":
            self.reset_passthrough()
        ctx.log.info(f"mtls-chaos: mode {wanted} {json.dumps(self.counters)}")
        return True

    def reset_passthrough(self):
        # mitmproxy has no public way to close a client connection; its proxyserver addon keeps
        # each connection's handler, whose client transport we abort with SO_LINGER 0 (a RST).
        server = ctx.master.addons.get("proxyserver")
        handlers = list(getattr(server, "_connections", {}).values())
        for handler in handlers:
            client = handler.client
            if client.id not in self.passthrough:
                continue
            self.passthrough.discard(client.id)
            io = handler.transports.get(client)
            if io is None or io.writer is None:
                continue
            sock = io.writer.get_extra_info("socket")
            try:
                if sock is not None:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            except OSError:
                pass
            io.writer.transport.abort()
            self.counters["resetAtSwitch"] += 1

    async def poll(self):
        loop = asyncio.get_running_loop()
        while True:
            switched = self.read_mode()
            if switched or loop.time() - self.written_at >= STATS_SECONDS:
                self.write_stats()
                self.written_at = loop.time()
            await asyncio.sleep(POLL_SECONDS)

    def write_stats(self):
        stats = {"mode": self.mode, **self.counters, "open": len(self.open)}
        text = json.dumps(stats)
        if text == self.written:
            return
        temporary = self.path("stats.json.tmp")
        with open(temporary, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, self.path("stats.json"))
        self.written = text

    def client_connected(self, client):
        self.open.add(client.id)

    def client_disconnected(self, client):
        self.open.discard(client.id)
        self.passthrough.discard(client.id)

    def server_connect(self, data):
        # Reverse mode would send the container's name as SNI; the gateway's certificate names it
        # by its servername, which mitmproxy then checks against the lab root.
        if ctx.options.mtls_chaos_upstream_sni:
            data.server.sni = ctx.options.mtls_chaos_upstream_sni

    def tls_clienthello(self, data):
        # The file, not only the last poll: a connection whose ClientHello comes after the run
        # wrote "intercept" is intercepted, however late the poll (a busy machine starves it).
        if self.read_mode():
            self.write_stats()
        if self.mode == "passthrough":
            data.ignore_connection = True
            self.passthrough.add(data.context.client.id)
            self.counters["passedThrough"] += 1

    def tls_established_client(self, data):
        self.counters["intercepted"] += 1

    def tls_failed_client(self, data):
        # The client refused our certificate (unknown_ca on its side) or went away mid-handshake.
        self.counters["clientHandshakeFailures"] += 1

    def tls_failed_server(self, data):
        self.counters["upstreamFailures"] += 1


addons = [Interceptor()]
