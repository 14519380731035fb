"""A distant upstream on loopback: an asyncio TCP proxy that delays every request and every response by N ms.

Each direction of each connection is a delay line: a chunk read at time t is written at t + delay, in order, so
latency is added (one way, each way) without capping bandwidth, like a long fat pipe. Listens on 127.0.0.1 only.

    python bench/wanproxy.py --target 127.0.0.1:5001 --delay-ms 20 [--listen-port 0]

or from Python: ``proxy = WanProxy("127.0.0.1:5001", 0.020).start(); proxy.host; proxy.stop()``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import threading
import time


class WanProxy:
    def __init__(self, target: str, delay: float = 0.020, listen_port: int = 0):
        host, _unused, port = target.rpartition(":")
        self.target = (host, int(port))
        self.delay = delay
        self.listen_port = listen_port
        self.port: int | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._server = None

    @property
    def host(self) -> str:
        return "127.0.0.1:%d" % self.port

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        queue: asyncio.Queue = asyncio.Queue()

        async def pump_in():
            while True:
                data = await reader.read(256 * 1024)
                await queue.put((time.monotonic() + self.delay, data))
                if not data:
                    return

        async def pump_out():
            while True:
                due, data = await queue.get()
                wait = due - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                if not data:
                    with contextlib.suppress(OSError):
                        if writer.can_write_eof():
                            writer.write_eof()
                    return
                writer.write(data)
                await writer.drain()

        try:
            await asyncio.gather(pump_in(), pump_out())
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    async def _handle(self, client_reader, client_writer) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(self._pipe(client_reader, up_writer), self._pipe(up_reader, client_writer))

    async def _main(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.listen_port)
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        async with self._server:
            await self._server.serve_forever()

    def start(self) -> WanProxy:
        def run():
            self._loop = asyncio.new_event_loop()
            with contextlib.suppress(asyncio.CancelledError):
                self._loop.run_until_complete(self._main())

        self._thread = threading.Thread(target=run, daemon=True, name="wanproxy")
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("wanproxy did not start")
        return self

    def stop(self) -> None:
        if self._loop and self._server:
            self._loop.call_soon_threadsafe(self._server.close)
            for task in asyncio.all_tasks(self._loop):
                self._loop.call_soon_threadsafe(task.cancel)
        if self._thread:
            self._thread.join(5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", required=True, help="host:port to forward to")
    parser.add_argument("--delay-ms", type=float, default=20.0, help="added to every request and response")
    parser.add_argument("--listen-port", type=int, default=0)
    args = parser.parse_args()
    proxy = WanProxy(args.target, args.delay_ms / 1000.0, args.listen_port).start()
    print("wanproxy %s -> %s:%d (+%.0f ms each way)" % (proxy.host, *proxy.target, args.delay_ms), flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        proxy.stop()


if __name__ == "__main__":
    main()
