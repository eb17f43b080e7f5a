# duet's asyncio event loop: asyncio's own loop classes with their engine room replaced by
# _duet_loop (C++ on the host's libuv loop): call_soon, timers, the wakeup, one iteration, a
# uv_poll-backed selector for add_reader/add_writer/sock_*, and uv_tcp_t TCP transports.
# Embedded in the duet binary; duet makes EventLoopPolicy asyncio's default when asyncio is
# first imported (unless --py-loop=asyncio).
import asyncio
import logging
import selectors
import socket
import sys
import threading

import _duet_loop
from asyncio import base_events, constants, events, format_helpers, futures, trsock, unix_events

__all__ = ["EventLoop", "EventLoopPolicy", "new_event_loop", "install"]

logger = logging.getLogger("asyncio")
_duet_loop.configure(events.Handle, events.TimerHandle, format_helpers._format_callback_source, futures.Future)


class _UvSelector(selectors._BaseSelectorImpl):
    """A selectors.BaseSelector whose registrations are uv_poll_t handles on the loop: readiness
    goes straight into the loop's ready queue, so select() is never called."""

    def __init__(self, loop):
        super().__init__()
        self._loop = loop
        self._polls = {}

    def register(self, fileobj, events, data=None):
        key = super().register(fileobj, events, data)
        try:
            poll = _duet_loop.Poll(self._loop, key.fd, self._dispatch)
            try:
                poll.start(events)
            except BaseException:
                poll.close()
                raise
        except BaseException:
            super().unregister(fileobj)
            raise
        self._polls[key.fd] = poll
        return key

    def unregister(self, fileobj):
        key = super().unregister(fileobj)
        poll = self._polls.pop(key.fd, None)
        if poll is not None:
            poll.close()
        return key

    def modify(self, fileobj, events, data=None):
        try:
            key = self._fd_to_key[self._fileobj_lookup(fileobj)]
        except KeyError:
            raise KeyError(f"{fileobj!r} is not registered") from None
        if events != key.events:
            self._polls[key.fd].start(events)
        key = key._replace(events=events, data=data)
        self._fd_to_key[key.fd] = key
        return key

    def select(self, timeout=None):
        raise RuntimeError("duet's selector is driven by libuv; select() is never called")

    def close(self):
        for poll in self._polls.values():
            poll.close()
        self._polls.clear()
        super().close()

    def _dispatch(self, fd, mask):
        key = self._fd_to_key.get(fd)
        if key is not None and self._loop._selector is self:
            self._loop._process_events([(key, mask & key.events)])


class _TcpTransport(_duet_loop.TcpCore):
    """asyncio's stream transport on a uv_tcp_t (TCP) or a uv_pipe_t (a Unix stream socket).
    TcpCore does reads, writes and flow-control arithmetic in C++; this class is the rest of
    asyncio's _SelectorSocketTransport contract."""

    _start_tls_compatible = True  # start_tls() swaps in an SSLProtocol, a BufferedProtocol we feed
    # loop.sendfile(): os.sendfile on the socket once the write buffer is empty (the selector
    # loop's _sendfile_native, which this loop inherits), else the write()-based fallback.
    _sendfile_compatible = constants._SendfileMode.TRY_NATIVE

    def __init__(self, loop, sock, protocol, waiter=None, extra=None, server=None):
        self._loop = loop
        self._extra = dict(extra) if extra else {}
        self._extra["socket"] = trsock.TransportSocket(sock)
        try:
            self._extra["sockname"] = sock.getsockname()
        except OSError:
            self._extra["sockname"] = None
        if "peername" not in self._extra:
            try:
                self._extra["peername"] = sock.getpeername()
            except OSError:
                self._extra["peername"] = None
        self._sock = sock
        self._sock_fd = sock.fileno()
        self._protocol_connected = False
        self.set_protocol(protocol)
        self._server = server
        if server is not None:
            server._attach()
        loop._transports[self._sock_fd] = self
        # The uv_tcp_t serves sock's own descriptor and closes it; TcpCore detaches sock first.
        self._open(sock)
        loop.call_soon(self._protocol.connection_made, self)
        loop.call_soon(self._start_reading)  # only once connection_made() has run
        if waiter is not None:
            loop.call_soon(futures._set_result_unless_cancelled, waiter, None)

    def __repr__(self):
        state = "closing" if self._closing else ("open" if self._sock is not None else "closed")
        return (f"<_TcpTransport fd={self._sock_fd} {state} reading={self.is_reading()} "
                f"bufsize={self.get_write_buffer_size()}>")

    def get_extra_info(self, name, default=None):
        return self._extra.get(name, default)

    def set_protocol(self, protocol):
        self._protocol = protocol
        self._protocol_connected = True

    def get_protocol(self):
        return self._protocol

    def writelines(self, list_of_data):
        self.write(b"".join(list_of_data))

    def can_write_eof(self):
        return True

    def write_eof(self):
        if self._closing or self._eof:
            return
        self._eof = True
        if not self.get_write_buffer_size():
            self._sock.shutdown(socket.SHUT_WR)

    def close(self):
        if self._closing:
            return
        self._closing = True
        self._stop_reading()
        if not self.get_write_buffer_size():
            self._conn_lost += 1
            self._loop.call_soon(self._call_connection_lost, None)

    def abort(self):
        self._force_close(None)

    def get_write_buffer_limits(self):
        return (self._low_water, self._high_water)

    def set_write_buffer_limits(self, high=None, low=None):
        if high is None:
            high = 64 * 1024 if low is None else 4 * low
        if low is None:
            low = high // 4
        if not high >= low >= 0:
            raise ValueError(f"high ({high!r}) must be >= low ({low!r}) must be >= 0")
        self._high_water = high
        self._low_water = low
        self._maybe_pause_protocol()

    def _maybe_pause_protocol(self):
        if self.get_write_buffer_size() <= self._high_water or self._protocol_paused:
            return
        self._protocol_paused = True
        try:
            self._protocol.pause_writing()
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            self._loop.call_exception_handler({
                "message": "protocol.pause_writing() failed",
                "exception": exc, "transport": self, "protocol": self._protocol})

    def _maybe_resume_protocol(self):
        if self._protocol_paused and self.get_write_buffer_size() <= self._low_water:
            self._protocol_paused = False
            try:
                self._protocol.resume_writing()
            except (SystemExit, KeyboardInterrupt):
                raise
            except BaseException as exc:
                self._loop.call_exception_handler({
                    "message": "protocol.resume_writing() failed",
                    "exception": exc, "transport": self, "protocol": self._protocol})

    # Called from TcpCore.
    def _read_eof(self):
        try:
            keep_open = self._protocol.eof_received()
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            self._fatal_error(exc, "Fatal error: protocol.eof_received() call failed.")
            return
        if not keep_open:
            self.close()

    def _make_empty_waiter(self):
        if self._empty_waiter is not None:
            raise RuntimeError("Empty waiter is already set")
        self._empty_waiter = self._loop.create_future()
        if not self.get_write_buffer_size():
            self._empty_waiter.set_result(None)
        return self._empty_waiter

    def _reset_empty_waiter(self):
        self._empty_waiter = None

    def _write_drained(self):
        if self._conn_lost:
            return
        self._maybe_resume_protocol()
        if self._empty_waiter is not None:
            self._empty_waiter.set_result(None)
        if self._closing:
            self._call_connection_lost(None)
        elif self._eof:
            self._sock.shutdown(socket.SHUT_WR)

    def _write_after_lost(self):
        if self._conn_lost >= constants.LOG_THRESHOLD_FOR_CONNLOST_WRITES:
            logger.warning("socket.send() raised exception.")
        self._conn_lost += 1

    def _fatal_error(self, exc, message="Fatal error on transport"):
        if isinstance(exc, OSError):
            if self._loop.get_debug():
                logger.debug("%r: %s", self, message, exc_info=True)
        else:
            self._loop.call_exception_handler({
                "message": message, "exception": exc, "transport": self, "protocol": self._protocol})
        self._force_close(exc)

    def _force_close(self, exc):
        if self._empty_waiter is not None and not self._empty_waiter.done():
            if exc is None:
                self._empty_waiter.set_result(None)
            else:
                self._empty_waiter.set_exception(exc)
        if self._conn_lost:
            return
        if self.get_write_buffer_size():
            self._clear_buffer()
        if not self._closing:
            self._closing = True
            self._stop_reading()
        self._conn_lost += 1
        self._loop.call_soon(self._call_connection_lost, exc)

    def _call_connection_lost(self, exc):
        try:
            if self._protocol_connected:
                self._protocol.connection_lost(exc)
        finally:
            self._close_handle()  # closes the descriptor, the socket detached
            self._sock = None
            self._protocol = None
            server = self._server
            if server is not None:
                server._detach()
                self._server = None


class EventLoop(_duet_loop.LoopCore, unix_events.SelectorEventLoop):
    """asyncio's Unix event loop running on libuv: the LoopCore methods (call_soon, call_later,
    call_at, call_soon_threadsafe, time, _run_once) come first in the MRO."""

    def __init__(self):
        super().__init__(_UvSelector(self))
        self._set_core_debug(self._debug)  # PYTHONASYNCIODEBUG / -X dev, read by asyncio's __init__

    def _make_socket_transport(self, sock, protocol, waiter=None, *, extra=None, server=None):
        # TCP on a uv_tcp_t, a Unix stream socket (a database's: asyncpg, psycopg) on a uv_pipe_t;
        # anything else on the selector transport asyncio's own loop would use.
        if sock.family in (socket.AF_INET, socket.AF_INET6, socket.AF_UNIX) and sock.type == socket.SOCK_STREAM:
            return _TcpTransport(self, sock, protocol, waiter, extra, server)
        return super()._make_socket_transport(sock, protocol, waiter, extra=extra, server=server)

    def run_forever(self):
        """asyncio's run_forever (3.11), its iterations in one C call unless _run_once was
        replaced on the instance (asyncio's tests count iterations that way)."""
        self._check_closed()
        self._check_running()
        self._set_coroutine_origin_tracking(self._debug)
        old_agen_hooks = sys.get_asyncgen_hooks()
        try:
            self._thread_id = threading.get_ident()
            sys.set_asyncgen_hooks(firstiter=self._asyncgen_firstiter_hook,
                                   finalizer=self._asyncgen_finalizer_hook)
            events._set_running_loop(self)
            if "_run_once" in self.__dict__:
                while True:
                    self._run_once()
                    if self._stopping:
                        break
            else:
                self._run_until_stopped()
        finally:
            self._stopping = False
            self._thread_id = None
            events._set_running_loop(None)
            self._set_coroutine_origin_tracking(False)
            sys.set_asyncgen_hooks(*old_agen_hooks)

    def set_debug(self, enabled):
        super().set_debug(enabled)
        self._set_core_debug(enabled)

    def close(self):
        super().close()
        if self.is_closed():
            self._close_core()


class EventLoopPolicy(unix_events._UnixDefaultEventLoopPolicy):
    """asyncio's default policy, making duet's EventLoop."""
    _loop_factory = EventLoop


def new_event_loop():
    return EventLoop()


def install():
    """Makes EventLoopPolicy asyncio's default, surviving set_event_loop_policy(None)."""
    asyncio.DefaultEventLoopPolicy = EventLoopPolicy
    unix_events.DefaultEventLoopPolicy = EventLoopPolicy
    current = events._event_loop_policy
    if current is not None and type(current) is unix_events._UnixDefaultEventLoopPolicy:
        events.set_event_loop_policy(EventLoopPolicy())
