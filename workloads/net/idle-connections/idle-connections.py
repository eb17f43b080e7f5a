# idle-connections: tcp-echo's server (asyncio Protocol), held idle. The load generator opens
# `connections` sockets, exchanges one `message_size`-byte echo on each (so the server has set
# every one up), and with all of them open reads the process RSS: the harness reports the growth
# per connection. run() returns the connections accepted and bytes echoed since the last run.
# Twin of idle-connections.js.

import importlib.util
import os

# The sibling folder is not on the import path; load tcp-echo.py as its own module.
_spec = importlib.util.spec_from_file_location(
    "duet_net_tcp_echo", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tcp-echo", "tcp-echo.py"))
_tcp_echo = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_tcp_echo)
setup, run, teardown = _tcp_echo.setup, _tcp_echo.run, _tcp_echo.teardown


def verify(result, params):
    return result["connections"] == params["connections"] and result["bytes"] == params["connections"] * params["message_size"]
