"""Refuse to start when a port is taken, before any server is half-way up."""

from __future__ import annotations

import socket
from collections.abc import Mapping

from bot.launcher.config import LaunchError


def port_in_use(port: int) -> bool:
    """True when something listens on the port or holds it, on any local address."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            return True
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # SO_REUSEADDR, as the servers themselves set it: a socket in TIME_WAIT from the previous
        # run must not count as taken.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("0.0.0.0", port))
        except OSError:
            return True
    return False


def check_ports_free(ports: Mapping[str, int]) -> None:
    """Fail before starting anything, rather than with one server dying half-way up."""
    for setting, port in ports.items():
        if port_in_use(port):
            raise LaunchError(
                f"port {port} is already in use (is another `make run` running?)\n"
                f"Stop whatever uses it, or pick another port: {setting}=<port> make run"
            )
