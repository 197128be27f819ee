"""Redis for the widget channel when several Rasa instances serve it (``REDIS_URL`` set).

Two things a single instance keeps in memory must be shared:

- **Emitting.** An advocate's reply reaches Rasa through its HTTP API on whichever instance the
  load balancer picks, but the widget's socket is on one instance only. python-socketio's
  ``AsyncRedisManager`` publishes every emit on a Redis channel and each instance delivers it to
  its own sockets in the room. :class:`JsonRedisManager` is that manager with three changes:
  JSON on the channel instead of pickle (python-socketio 5.9 unpickles whatever arrives there, so
  anyone able to publish on the Redis could run code in every Rasa instance); a publish that
  fails raises (upstream logs and drops it), so the channel can deliver or hold the message
  itself; and the listener reconnects within :data:`LISTEN_RETRY_MAX` seconds of Redis coming
  back (upstream backs off to a minute, during which the instance's widgets miss every reply).

- **Who is connected, and what waits for them.** A message for a session nobody is connected to
  is held until it reconnects (bot.channels.socketio). Across instances "connected" means
  "connected to any instance", which python-socketio cannot tell (its rooms are per instance),
  and the reconnect may reach another instance. :class:`RedisMailbox` keeps, per conversation, a
  sorted set of connected sockets (score: lease expiry) and a list of held messages, and changes
  them only in Lua scripts, which Redis runs atomically: "hold unless someone is connected" and
  "register this socket and take what is held" exclude each other, so a message held while the
  widget reconnects elsewhere is delivered exactly once, never left behind.

Each instance renews its sockets' leases every third of :data:`PRESENCE_LEASE`; a crashed
instance's sockets stop counting as connected when their lease runs out, and messages are held
again. 45 s is engine.io's own ping interval plus timeout: how long a socket whose browser went
away silently looks connected on a single instance too. Times are Redis's clock.

Held messages are sealed (AES-GCM, a key derived from ``ADVOCATE_MASTER_KEY``, the conversation
id as associated data): they are bot replies (a records letter with a name and a date of birth)
and Redis may write its memory to disk. At most :data:`MAX_HELD` per session, for
:data:`HELD_TTL` seconds after the last one, like the in-process store. Messages on the pub/sub
channel are not stored by Redis but do cross the network: use ``rediss://`` between hosts.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import AsyncIterator
from typing import Any

import redis
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from redis import asyncio as redis_asyncio
from socketio import AsyncRedisManager

from bot.security.crypto import MASTER_KEY_VARIABLE, MissingMasterKey
from bot.security.secrets import required

logger = logging.getLogger(__name__)

REDIS_KEY_PREFIX = "advocate:widget:"
PRESENCE_LEASE = 45.0
MAX_HELD = 50
HELD_TTL = 3600
COMMAND_TIMEOUT = 2.0  # a hung Redis: fall back instead of leaving the reply waiting
LISTEN_RETRY_MAX = 2.0
REFRESH_BATCH = 500  # sockets renewed per script call
HELD_KEY_INFO = b"second-opinion-advocate/widget-held/v1"
NONCE_BYTES = 12

_NOW = "local t = redis.call('TIME')\nlocal now = tonumber(t[1]) + tonumber(t[2]) / 1000000\n"

# KEYS: presence, held. ARGV: sealed message, max held, ttl. 1 if held, 0 if someone is connected.
_HOLD = (
    _NOW
    + """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) > 0 then
  return 0
end
redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[2]), -1)
redis.call('EXPIRE', KEYS[2], ARGV[3])
return 1
"""
)

# KEYS: presence, held. ARGV: socket id, lease. Registers the socket; returns and deletes what is held.
_JOIN = (
    _NOW
    + """
local lease = tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], now + lease, ARGV[1])
redis.call('EXPIRE', KEYS[1], math.ceil(lease) + 1)
local held = redis.call('LRANGE', KEYS[2], 0, -1)
redis.call('DEL', KEYS[2])
return held
"""
)

# KEYS: presence sets. ARGV: lease, then one socket id per key.
_RENEW = (
    _NOW
    + """
local lease = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now + lease, ARGV[i + 1])
  redis.call('EXPIRE', key, math.ceil(lease) + 1)
end
return #KEYS
"""
)


class JsonRedisManager(AsyncRedisManager):
    """``AsyncRedisManager`` speaking JSON only, raising when it cannot publish (module docstring)."""

    def __init__(self, url: str, channel: str) -> None:
        super().__init__(url, channel=channel, redis_options={"socket_connect_timeout": COMMAND_TIMEOUT})

    async def _publish(self, data: dict[str, Any]) -> int:
        payload = json.dumps(data)
        try:
            return int(await asyncio.wait_for(self.redis.publish(self.channel, payload), COMMAND_TIMEOUT))
        except asyncio.TimeoutError:
            raise redis.TimeoutError("publish timed out") from None

    async def _listen(self) -> AsyncIterator[dict[str, Any]]:
        """The channel's messages as dicts; reconnects with a short back-off; anything not JSON is dropped."""
        delay = 0.1
        while True:
            pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self.channel)
                delay = 0.1
                async for message in pubsub.listen():
                    data = _decoded(message.get("data")) if message.get("type") == "message" else None
                    if data is not None:
                        yield data
            except redis.RedisError as exc:
                logger.warning("socket.io: Redis channel lost (%s); reconnecting", type(exc).__name__)
                await asyncio.sleep(delay)
                delay = min(delay * 2, LISTEN_RETRY_MAX)
            finally:
                await pubsub.reset()


def _decoded(raw: Any) -> dict[str, Any] | None:
    try:
        data = json.loads(raw)
    except (TypeError, ValueError):
        logger.warning("socket.io: a message on the Redis channel that is not JSON was ignored")
        return None
    return data if isinstance(data, dict) else None


def _held_cipher() -> AESGCM:
    secret = required(MASTER_KEY_VARIABLE, MissingMasterKey).encode()
    return AESGCM(HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=HELD_KEY_INFO).derive(secret))


class RedisMailbox:
    """Connected sockets and held messages per conversation, in Redis (module docstring).

    Every method may raise ``redis.RedisError``; the channel then falls back to this instance.
    """

    def __init__(self, redis_url: str, key_prefix: str = REDIS_KEY_PREFIX, lease: float = PRESENCE_LEASE) -> None:
        self.key_prefix = key_prefix
        self.lease = lease
        self._client = redis_asyncio.from_url(
            redis_url, socket_timeout=COMMAND_TIMEOUT, socket_connect_timeout=COMMAND_TIMEOUT
        )
        self._hold = self._client.register_script(_HOLD)
        self._join = self._client.register_script(_JOIN)
        self._renew = self._client.register_script(_RENEW)
        self._cipher = _held_cipher()

    def _presence(self, conversation_id: str) -> str:
        return f"{self.key_prefix}present:{conversation_id}"

    def _held(self, conversation_id: str) -> str:
        return f"{self.key_prefix}held:{conversation_id}"

    async def hold_unless_connected(self, conversation_id: str, message: Any) -> bool:
        """Hold ``message`` if no socket of the conversation is connected anywhere; False if one is."""
        keys = [self._presence(conversation_id), self._held(conversation_id)]
        return bool(await self._hold(keys=keys, args=[self._seal(conversation_id, message), MAX_HELD, HELD_TTL]))

    async def join(self, conversation_id: str, sid: str) -> list[Any]:
        """Count ``sid`` as connected and take the held messages: each is returned to one caller only."""
        keys = [self._presence(conversation_id), self._held(conversation_id)]
        sealed = await self._join(keys=keys, args=[sid, self.lease])
        return [message for message in (self._open(conversation_id, item) for item in sealed) if message is not None]

    async def leave(self, conversation_id: str, sid: str) -> None:
        await self._client.zrem(self._presence(conversation_id), sid)

    async def renew(self, sockets: dict[str, str]) -> None:
        """Extend the leases of ``sockets`` (socket id -> conversation id)."""
        pairs = list(sockets.items())
        for start in range(0, len(pairs), REFRESH_BATCH):
            batch = pairs[start : start + REFRESH_BATCH]
            await self._renew(
                keys=[self._presence(conversation) for _, conversation in batch],
                args=[self.lease, *(sid for sid, _ in batch)],
            )

    def _seal(self, conversation_id: str, message: Any) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._cipher.encrypt(nonce, json.dumps(message).encode(), conversation_id.encode())

    def _open(self, conversation_id: str, sealed: bytes) -> Any | None:
        try:
            plain = self._cipher.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], conversation_id.encode())
        except InvalidTag:  # another master key (rotated since) or not ours: it cannot be shown
            logger.warning("socket.io: a held message that does not open under this key was dropped")
            return None
        return json.loads(plain)

    async def keep_alive(self, sockets: dict[str, str]) -> None:
        """Renew the leases of this instance's sockets forever (a task per instance).

        ``sockets`` is the instance's live map; a socket that disconnected while a renewal was on
        its way is removed again afterwards, so the renewal cannot bring it back for a lease.
        """
        failing = False
        while True:
            await asyncio.sleep(self.lease / 3)
            snapshot = dict(sockets)
            try:
                await self.renew(snapshot)
                for sid, conversation in snapshot.items():
                    if sockets.get(sid) != conversation:
                        await self.leave(conversation, sid)
            except redis.RedisError as exc:
                if not failing:
                    logger.warning("socket.io: cannot renew connected sockets in Redis (%s)", type(exc).__name__)
                failing = True
                continue
            failing = False
