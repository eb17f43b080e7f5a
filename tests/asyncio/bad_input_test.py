"""Bad input on the Python event loop: each case must give asyncio's usual exception or
exception-handler call, and the loop must keep running. Runs inside duet on whichever loop the
default policy gives (`build/duet exec` = duet's libuv loop, `build/duet --py-loop=asyncio exec`
= the stock selector loop), so the two are held to the same behaviour. Loopback only, bounded.
"""

import asyncio
import gc
import logging
import os
import socket
import struct
import sys
import unittest
import weakref

# --expect-loop MODULE: the module of the loop class the default policy must give. Read before
# the tests are defined, since some apply to one loop only.
EXPECTED_LOOP_MODULE = "asyncio.unix_events"
if "--expect-loop" in sys.argv:
    _at = sys.argv.index("--expect-loop")
    EXPECTED_LOOP_MODULE = sys.argv[_at + 1]
    del sys.argv[_at:_at + 2]


async def still_running():
    """The loop still schedules callbacks, timers and executor work after the bad event."""
    loop = asyncio.get_running_loop()
    fired = loop.create_future()
    loop.call_later(0.001, fired.set_result, "timer")
    assert await asyncio.wait_for(fired, 5) == "timer"
    assert await loop.run_in_executor(None, sum, [1, 2, 3]) == 6
    return True


class LoopTestCase(unittest.TestCase):
    def run_loop(self, coro_fn):
        self.handled = []
        loop = asyncio.new_event_loop()
        loop.set_exception_handler(lambda loop, context: self.handled.append(context))
        try:
            return loop.run_until_complete(asyncio.wait_for(coro_fn(), 20))
        finally:
            loop.close()


class BadInputTest(LoopTestCase):
    def test_loop_is_the_one_the_host_chose(self):
        async def main():
            return type(asyncio.get_running_loop()).__module__
        module = self.run_loop(main)
        self.assertEqual(module, EXPECTED_LOOP_MODULE)

    @unittest.skipUnless(EXPECTED_LOOP_MODULE == "duet_asyncio", "duet's loop only")
    def test_the_first_open_loop_shares_the_host_libuv_loop_and_a_second_gets_its_own(self):
        first = asyncio.new_event_loop()
        second = asyncio.new_event_loop()
        try:
            self.assertTrue(first._on_shared_loop())    # the libuv loop JavaScript runs on
            self.assertFalse(second._on_shared_loop())  # a private one while the first is open
            for loop in (first, second):
                self.assertEqual(loop.run_until_complete(asyncio.sleep(0.001, "ran")), "ran")
        finally:
            first.close()
            second.close()
        third = asyncio.new_event_loop()
        try:
            self.assertTrue(third._on_shared_loop())  # the shared loop is free again
        finally:
            third.close()

    def test_connecting_to_a_closed_port_is_refused(self):
        async def main():
            # A port nobody listens on: bind without listen, keep it bound so nobody else can.
            with socket.socket() as holder:
                holder.bind(("127.0.0.1", 0))
                port = holder.getsockname()[1]
                with self.assertRaises(ConnectionRefusedError):
                    await asyncio.open_connection("127.0.0.1", port)
                with self.assertRaises(ConnectionRefusedError):
                    await asyncio.get_running_loop().create_connection(asyncio.Protocol, "127.0.0.1", port)
            return await still_running()
        self.assertTrue(self.run_loop(main))
        self.assertEqual(self.handled, [])

    def test_a_server_on_a_port_in_use_raises_address_in_use(self):
        async def main():
            first = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
            port = first.sockets[0].getsockname()[1]
            try:
                with self.assertRaises(OSError) as caught:
                    await asyncio.start_server(lambda r, w: None, "127.0.0.1", port, reuse_address=False)
                self.assertIn("address already in use", str(caught.exception).lower())
            finally:
                first.close()
                await first.wait_closed()
            return await still_running()
        self.assertTrue(self.run_loop(main))

    def test_a_peer_resetting_mid_write_is_connection_lost_with_the_error(self):
        async def main():
            loop = asyncio.get_running_loop()
            lost = loop.create_future()
            accepted = loop.create_future()

            class Flood(asyncio.Protocol):
                def connection_made(self, transport):
                    self.transport = transport
                    accepted.set_result(transport)

                def connection_lost(self, exc):
                    lost.set_result(exc)

            server = await loop.create_server(Flood, "127.0.0.1", 0)
            port = server.sockets[0].getsockname()[1]
            client = socket.create_connection(("127.0.0.1", port))
            transport = await accepted
            chunk = b"x" * 65536
            for _ in range(64):  # 4 MiB: far beyond the socket buffers, so writes queue up
                transport.write(chunk)
            self.assertGreater(transport.get_write_buffer_size(), 0)
            # SO_LINGER 0: close sends RST instead of FIN.
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            client.close()
            exc = await asyncio.wait_for(lost, 10)
            self.assertIsInstance(exc, (ConnectionResetError, BrokenPipeError))
            self.assertTrue(transport.is_closing())
            server.close()
            await server.wait_closed()
            return await still_running()
        self.assertTrue(self.run_loop(main))
        # An OSError on a transport is the connection's end, not the exception handler's business.
        self.assertEqual(self.handled, [])

    def test_writing_to_a_closed_transport_is_dropped_then_logged(self):
        async def main():
            loop = asyncio.get_running_loop()
            lost = loop.create_future()

            class Quiet(asyncio.Protocol):
                def connection_lost(self, exc):
                    lost.set_result(exc)

            server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
            port = server.sockets[0].getsockname()[1]
            transport, _ = await loop.create_connection(Quiet, "127.0.0.1", port)
            transport.close()
            self.assertIsNone(await lost)
            with self.assertLogs("asyncio", logging.WARNING) as logged:
                for _ in range(8):
                    transport.write(b"after close")  # no exception: asyncio drops and counts
            self.assertIn("socket.send() raised exception.", logged.output[0])

            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            await writer.wait_closed()
            writer.write(b"late")
            with self.assertRaises(ConnectionResetError):
                await writer.drain()
            server.close()
            await server.wait_closed()
            return await still_running()
        self.assertTrue(self.run_loop(main))

    def test_a_callback_that_raises_goes_to_the_exception_handler(self):
        async def main():
            loop = asyncio.get_running_loop()

            def boom():
                raise ValueError("boom from a callback")

            loop.call_soon(boom)
            loop.call_later(0.001, boom)
            await asyncio.sleep(0.05)
            return await still_running()
        self.assertTrue(self.run_loop(main))
        self.assertEqual(len(self.handled), 2)
        for context in self.handled:
            self.assertTrue(context["message"].startswith("Exception in callback"), context["message"])
            self.assertIsInstance(context["exception"], ValueError)
            self.assertIn("handle", context)

    def test_a_protocol_that_raises_is_a_fatal_error_and_connection_lost(self):
        async def main():
            loop = asyncio.get_running_loop()
            lost = loop.create_future()

            class Broken(asyncio.Protocol):
                def data_received(self, data):
                    raise RuntimeError("bad protocol")

                def connection_lost(self, exc):
                    lost.set_result(exc)

            server = await loop.create_server(Broken, "127.0.0.1", 0)
            port = server.sockets[0].getsockname()[1]
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"hello")
            exc = await asyncio.wait_for(lost, 10)
            self.assertIsInstance(exc, RuntimeError)
            self.assertEqual(await reader.read(), b"")  # the server closed the connection
            writer.close()
            server.close()
            await server.wait_closed()
            return await still_running()
        self.assertTrue(self.run_loop(main))
        self.assertEqual(len(self.handled), 1)
        self.assertEqual(self.handled[0]["message"], "Fatal error: protocol.data_received() call failed.")
        self.assertIsInstance(self.handled[0]["exception"], RuntimeError)

    def test_a_keyboard_interrupt_in_a_callback_stops_the_loop(self):
        loop = asyncio.new_event_loop()
        try:
            def interrupt():
                raise KeyboardInterrupt
            loop.call_soon(interrupt)
            with self.assertRaises(KeyboardInterrupt):
                loop.run_forever()
            self.assertFalse(loop.is_running())
            # The loop survives it, as asyncio's does.
            self.assertEqual(loop.run_until_complete(asyncio.sleep(0, "again")), "again")
        finally:
            loop.close()


def open_descriptors():
    return len(os.listdir("/proc/self/fd"))


class DescriptorTest(LoopTestCase):
    """A TCP connection costs one descriptor per end, and closing gives it back exactly once."""

    def test_each_end_of_a_connection_holds_one_descriptor(self):
        async def main():
            server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
            port = server.sockets[0].getsockname()[1]
            before = open_descriptors()
            writers = []
            for _ in range(20):
                _, writer = await asyncio.open_connection("127.0.0.1", port)
                writers.append(writer)
            await asyncio.sleep(0.05)  # the server's transports for all 20
            held = open_descriptors() - before
            for writer in writers:
                writer.close()
                await writer.wait_closed()
            server.close()
            await server.wait_closed()
            await asyncio.sleep(0.05)
            return held
        self.assertEqual(self.run_loop(main), 40)

    def test_a_closed_transport_never_closes_a_descriptor_reused_after_it(self):
        class Client(asyncio.Protocol):
            def __init__(self):
                self.lost = asyncio.get_running_loop().create_future()

            def connection_lost(self, exc):
                self.lost.set_result(exc)

        async def main():
            loop = asyncio.get_running_loop()
            server = await loop.create_server(asyncio.Protocol, "127.0.0.1", 0)
            port = server.sockets[0].getsockname()[1]
            transport, client = await loop.create_connection(Client, "127.0.0.1", port)
            fd = transport.get_extra_info("socket").fileno()
            transport.close()
            await client.lost
            reused = os.open("/dev/null", os.O_RDONLY)  # the lowest free number: fd's
            try:
                gone = weakref.ref(transport)
                del transport, client
                gc.collect()  # the transport and its socket object are finalised here
                await asyncio.sleep(0.01)
                os.fstat(reused)  # EBADF if anything closed it
                return fd, reused, gone() is None
            finally:
                os.close(reused)
                server.close()
                await server.wait_closed()
        fd, reused, finalised = self.run_loop(main)
        self.assertEqual(fd, reused)
        self.assertTrue(finalised)

if __name__ == "__main__":
    unittest.main(verbosity=2)
