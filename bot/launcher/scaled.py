"""`python -m bot.launcher run-scaled` (`make run-scaled`): the production topology on one machine.

Several Rasa servers and several action servers behind **nginx**, on **PostgreSQL** and **Redis**,
so that what README's "Deploying at scale" describes is something a developer can start, and the
stack and fault tests can run against it:

- nginx listens where `make run` puts Rasa (RASA_PORT, 5005) and the action server (ACTION_PORT,
  5055), so the web app, the widget and `curl` use the same addresses in both topologies. Rasa
  instance i listens on RASA_PORT + 100 + i and action server i on ACTION_PORT + 100 + i, on
  127.0.0.1 only.
- REST, Twilio and Slack webhooks and Rasa's HTTP API go to any Rasa instance (least busy first):
  a conversation's state is in the shared database and the Redis lock store keeps one person's
  messages one at a time, whichever instance gets them. socket.io is sticky (a hash of the
  client's address), because Engine.IO's long-polling must keep talking to the instance that
  holds its session; messages between instances go through Redis (bot.channels.socketio).
- When an instance dies mid-request nginx tries the next one for requests that can be repeated
  safely; a dead instance is restarted by its keeper (bot.launcher.keeper) while the others serve.

The data database and the key store default to databases of their own on the local PostgreSQL
(created when missing); Redis defaults to the local one. Missing services stop the launcher with
a message that says what to start, never a traceback.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.launcher.config import LaunchError, StackConfig, whole_number

DEFAULT_RASA_INSTANCES = 2
DEFAULT_ACTION_INSTANCES = 2
MAX_INSTANCES = 16
INSTANCE_PORT_OFFSET = 100
DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/advocate"
DEFAULT_KEYSTORE_URL = "postgresql://postgres@127.0.0.1:5432/advocate_keys"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
SERVICE_TIMEOUT = 5.0


def _count(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = (environ.get(name) or str(default)).strip()
    return whole_number(name, raw, MAX_INSTANCES, f"a number of instances from 1 to {MAX_INSTANCES}")


@dataclass(frozen=True)
class ScaledConfig:
    """The single-process StackConfig plus how many of each server run behind nginx."""

    stack: StackConfig
    rasa_instances: int
    action_instances: int

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> ScaledConfig:
        return cls(
            stack=StackConfig.from_env(environ),
            rasa_instances=_count(environ, "RASA_INSTANCES", DEFAULT_RASA_INSTANCES),
            action_instances=_count(environ, "ACTION_INSTANCES", DEFAULT_ACTION_INSTANCES),
        )

    @property
    def rasa_ports(self) -> list[int]:
        return [self.stack.rasa_port + INSTANCE_PORT_OFFSET + i for i in range(1, self.rasa_instances + 1)]

    @property
    def action_ports(self) -> list[int]:
        return [self.stack.action_port + INSTANCE_PORT_OFFSET + i for i in range(1, self.action_instances + 1)]

    @property
    def nginx_dir(self) -> Path:
        return self.stack.var_dir / "nginx"

    def instance_urls(self) -> dict[str, str]:
        """Every instance by name, for the health page (ADVOCATE_INSTANCES) and the readiness checks."""
        host = "http://127.0.0.1"
        urls = {f"rasa-{i}": f"{host}:{port}" for i, port in enumerate(self.rasa_ports, start=1)}
        urls.update({f"actions-{i}": f"{host}:{port}" for i, port in enumerate(self.action_ports, start=1)})
        return urls

    def ports(self) -> dict[str, int]:
        """Every port this topology listens on, by the setting that moves it (checked before start)."""
        named = {
            "RASA_PORT": self.stack.rasa_port,
            "ACTION_PORT": self.stack.action_port,
            "WEB_PORT": self.stack.web_port,
        }
        named.update({f"RASA_PORT+{INSTANCE_PORT_OFFSET + i}": p for i, p in enumerate(self.rasa_ports, start=1)})
        named.update({f"ACTION_PORT+{INSTANCE_PORT_OFFSET + i}": p for i, p in enumerate(self.action_ports, start=1)})
        return named


def scaled_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment with the scaled topology's service defaults filled in (what is set wins)."""
    env = dict(environ)
    env.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    if env["DATABASE_URL"] == DEFAULT_DATABASE_URL:
        env.setdefault("KEYSTORE_URL", DEFAULT_KEYSTORE_URL)
    env.setdefault("REDIS_URL", DEFAULT_REDIS_URL)
    return env


# --------------------------------------------------------------------------------------------
# The services it needs


def ensure_postgres_database(url: str) -> None:
    """Create the database `url` names when it does not exist yet; explain when PostgreSQL is missing.

    SQLite cannot be shared by instances on several machines, so the scaled topology refuses it.
    """
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import OperationalError, ProgrammingError

    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise LaunchError(
            f"run-scaled needs PostgreSQL (several instances share it), got a {parsed.get_backend_name()} URL"
        )
    name = parsed.database or ""
    if not name.replace("_", "").isalnum():
        raise LaunchError(f"the database name {name!r} must be letters, digits and underscores")
    server = create_engine(
        parsed.set(database="postgres"), isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5}
    )
    try:
        with server.connect() as connection:
            exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
            if exists is None:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
                print(f"Created the PostgreSQL database {name}.")
    except OperationalError as exc:
        where = f"{parsed.host or 'localhost'}:{parsed.port or 5432}"
        raise LaunchError(
            f"PostgreSQL does not answer at {where} ({type(exc.orig).__name__}).\n"
            "Start it (Debian: pg_ctlcluster 15 main start) or set DATABASE_URL to a reachable server."
        ) from None
    except ProgrammingError as exc:
        raise LaunchError(f"could not create the database {name!r}: {type(exc.orig).__name__}") from None
    finally:
        server.dispose()


def check_redis(url: str) -> None:
    """Ping Redis; without it two instances could handle one person's messages at once, so no start."""
    import redis

    client = redis.Redis.from_url(url, socket_timeout=SERVICE_TIMEOUT, socket_connect_timeout=SERVICE_TIMEOUT)
    try:
        client.ping()
    except redis.RedisError as exc:
        raise LaunchError(
            f"Redis does not answer at {url.split('@')[-1]} ({type(exc).__name__}).\n"
            "Start it (redis-server --daemonize yes) or set REDIS_URL to a reachable server."
        ) from None
    finally:
        client.close()


def find_nginx(environ: Mapping[str, str]) -> str:
    found = (
        environ.get("NGINX")
        or shutil.which("nginx")
        or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    )
    if not found:
        raise LaunchError(
            "nginx is not installed (Debian: apt-get install nginx); set NGINX to its path if it is elsewhere"
        )
    return found


# --------------------------------------------------------------------------------------------
# nginx


def nginx_config(config: ScaledConfig) -> str:
    """nginx.conf for the topology: a balancer in front of the Rasa servers and one for the action servers.

    The access log leaves out the request line: Rasa's API token travels in the query string and a
    share link's token in the path. Bodies (people's messages) are never logged by nginx.
    """
    stack = config.stack
    temp = config.nginx_dir / "temp"
    rasa = "\n".join(f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in config.rasa_ports)
    # An action server is never marked failed (max_fails=0): a dead one refuses the connection at once
    # and nginx moves to the next, so marking gains nothing; a marked one turned people away with
    # "give me a minute" for up to 5 s after it was back (make test-faults: the message sent again
    # as asked, right after both action servers had restarted, got the outage reply a second time).
    actions = "\n".join(f"        server 127.0.0.1:{port} max_fails=0;" for port in config.action_ports)
    # Running as root, nginx's workers would switch to "nobody" and could not write its private temp dirs.
    user = "user root root;\n" if hasattr(os, "geteuid") and os.geteuid() == 0 else ""
    return f"""# Written by bot.launcher run-scaled at start-up; edits are overwritten.
{user}worker_processes 1;
daemon off;
pid {config.nginx_dir / 'nginx.pid'};
# "crit": nginx's error lines quote the request line, and Rasa's API token travels in its query.
error_log stderr crit;

events {{
    worker_connections 4096;
}}

http {{
    log_format no_uri '$remote_addr [$time_local] $request_method $status $body_bytes_sent '
                      '$request_time upstream=$upstream_addr';
    access_log {config.nginx_dir / 'access.log'} no_uri;
    server_tokens off;
    client_max_body_size 1m;
    client_body_temp_path {temp / 'body'};
    proxy_temp_path {temp / 'proxy'};
    fastcgi_temp_path {temp / 'fastcgi'};
    uwsgi_temp_path {temp / 'uwsgi'};
    scgi_temp_path {temp / 'scgi'};

    map $http_upgrade $connection_upgrade {{
        default upgrade;
        ''      close;
    }}

    upstream rasa {{
        least_conn;
{rasa}
        keepalive 32;
    }}

    # Engine.IO's long-polling must reach the instance holding its session on every request.
    upstream rasa_sticky {{
        hash $remote_addr consistent;
{rasa}
    }}

    upstream actions {{
        least_conn;
{actions}
        keepalive 32;
    }}

    server {{
        listen {stack.bind_host}:{stack.rasa_port};
        proxy_http_version 1.1;
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_read_timeout 330s;
        # A webhook (Twilio, Slack, REST) that an instance dropped by dying is sent to the next
        # one; the lock store and the channels' dedupe make a repeat harmless.
        proxy_next_upstream error timeout http_502 http_503 non_idempotent;
        proxy_next_upstream_tries 2;

        location /socket.io/ {{
            proxy_pass http://rasa_sticky;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
        }}

        location / {{
            proxy_pass http://rasa;
            proxy_set_header Connection "";
        }}
    }}

    server {{
        listen 127.0.0.1:{stack.action_port};
        proxy_http_version 1.1;
        proxy_read_timeout 120s;
        # An action call cut off by a dying action server goes to the other one. Actions that write
        # are safe to repeat (a question already saved is not saved twice), and a lost call would
        # leave the person with no answer.
        proxy_next_upstream error timeout http_502 http_503 non_idempotent;

        location / {{
            proxy_pass http://actions;
            proxy_set_header Connection "";
        }}
    }}
}}
"""


def write_nginx_config(config: ScaledConfig) -> Path:
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (config.nginx_dir / "temp" / name).mkdir(parents=True, exist_ok=True)
    path = config.nginx_dir / "nginx.conf"
    path.write_text(nginx_config(config))
    return path


def nginx_command(config: ScaledConfig, nginx: str) -> list[str]:
    return [nginx, "-p", str(config.nginx_dir), "-c", str(config.nginx_dir / "nginx.conf")]


def kept(argv: list[str]) -> list[str]:
    """`argv` under bot.launcher.keeper, which restarts it when it dies (as an orchestrator would)."""
    return [sys.executable, "-m", "bot.launcher.keeper", "--", *argv]
