"""A fixed-response HTTP/1.1 server on loopback: the target of scripts/bench-load.

It answers every request on a keep-alive connection with the same small 200 response,
as fast as asyncio can, so that the load generator (not the target) is what is measured.
Usage: python3 fixed-response-server.py PORT
"""

import asyncio
import socket
import sys

RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"


class FixedResponse(asyncio.Protocol):
    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.pending = b""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data: bytes) -> None:
        # Requests carry no body: each one ends with a blank line.
        buffer = self.pending + data
        count = buffer.count(b"\r\n\r\n")
        self.pending = buffer[buffer.rfind(b"\r\n\r\n") + 4:] if count else buffer
        if count and self.transport is not None:
            self.transport.write(RESPONSE * count)


async def main(port: int) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(FixedResponse, "127.0.0.1", port, backlog=1024)
    print(f"listening on 127.0.0.1:{port}", file=sys.stderr, flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    if len(sys.argv) != 2 or not sys.argv[1].isdigit():
        sys.exit("usage: fixed-response-server.py PORT")
    try:
        asyncio.run(main(int(sys.argv[1])))
    except KeyboardInterrupt:
        pass
