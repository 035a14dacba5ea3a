"""The cheap front of a flash sale: purchase tokens, the per-process item cache, and the admission gate.

Nearly every request of a flash sale is turned away (20,000 attempts for 1,000 units), so turning
one away must cost next to nothing and must never queue on the database:

1. The purchase **token** is signed (HMAC, no database): it names the user, the item, the address and
   a nonce, and is issued only to a signed-in user by the sale page. A token wins at most once.
2. The item's **meta** (window, limit, price) comes from a per-process cache refreshed every second, so
   a request before the start or after the end is answered without any I/O.
3. The **gate** admits a request or refuses it:
   - `RedisGate` (production): ONE Lua script checks the per-user and per-IP rate limits, spends the
     token, checks the buyer's count against the limit and decrements the stock counter, atomically.
     Every key of an item shares the hash tag `{<item id>}`, so the script runs on one Redis Cluster
     shard and items spread over shards. An admitted request is written to a `pending` hash until its
     reservation commits; a worker killed in between leaves a pending entry that `gate_reconcile`
     gives back after `PENDING_GRACE` seconds.
   - `DbGate` (embedded default): rate limits and the spent-token set on the Django cache; the
     database's conditional UPDATE is then the only stock check.
   The database is the authority in both modes: the Redis counter only decides who gets to *try*, and
   the reservation's conditional UPDATE on the pool row decides who wins. A Redis counter that drifts
   costs efficiency, never exactness.
"""

from __future__ import annotations

import dataclasses
import hashlib
import secrets
import threading
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.translation import gettext as _

from quanzi.core.errors import Conflict, DomainError, Forbidden, RateLimited, ValidationFailed

TOKEN_SALT = "quanzi.flashsale.purchase"
META_TTL = 1.0  # seconds a process trusts its copy of an item's window and limit
PENDING_GRACE = 30  # seconds after which an admitted-but-never-reserved request is given back


def conf(name: str):
    return settings.QUANZI[name]


# ---------------------------------------------------------------- purchase tokens

@dataclasses.dataclass(frozen=True)
class Claims:
    user_id: int
    item_id: int
    address_id: int
    nonce: str


def token_issue(*, user_id: int, item_id: int, address_id: int) -> str:
    payload = {"u": user_id, "i": item_id, "a": address_id, "n": secrets.token_hex(12)}
    return signing.TimestampSigner(salt=TOKEN_SALT).sign_object(payload)


def token_read(token) -> Claims:
    """The claims of a valid, unexpired token, or `invalid_token` (403). Spending it is the gate's job."""
    if not isinstance(token, str) or not token or len(token) > 400:
        raise Forbidden(_("Open the sale page to get a purchase token."), code="invalid_token",
                        fields={"token": "missing" if not token else "invalid"})
    try:
        data = signing.TimestampSigner(salt=TOKEN_SALT).unsign_object(token, max_age=conf("FLASH_TOKEN_TTL"))
        return Claims(int(data["u"]), int(data["i"]), int(data["a"]), str(data["n"])[:32])
    except signing.SignatureExpired:
        raise Forbidden(_("This purchase token has expired; reload the sale page."), code="invalid_token",
                        fields={"token": "expired"})
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise Forbidden(_("This purchase token is not valid."), code="invalid_token", fields={"token": "invalid"})


# ---------------------------------------------------------------- the item cache

@dataclasses.dataclass(frozen=True)
class ItemMeta:
    item_id: int
    sale_id: int
    sku_id: int
    price: int
    per_user_limit: int
    starts_at: float  # epoch seconds
    ends_at: float
    published: bool
    reservation_seconds: int


_meta: dict[int, tuple[float, ItemMeta | None]] = {}
_meta_lock = threading.Lock()


def load_meta(item_id: int) -> ItemMeta | None:
    from quanzi.flashsale.models import FlashItem, SaleStatus

    row = FlashItem.objects.filter(pk=item_id).values_list(
        "sale_id", "sku_id", "price", "per_user_limit", "sale__starts_at", "sale__ends_at", "sale__status",
        "sale__reservation_seconds", "sale__ended_at").first()
    if row is None:
        return None
    sale_id, sku_id, price, limit, starts, ends, status, seconds, ended_at = row
    if ended_at is not None:
        ends = min(ends, ended_at)
    return ItemMeta(item_id, sale_id, sku_id, price, limit, starts.timestamp(), ends.timestamp(),
                    status != SaleStatus.DRAFT, seconds)


def fresh_meta(item_id: int) -> tuple[bool, ItemMeta | None]:
    """(True, meta) if this process read the item less than META_TTL ago, else (False, None)."""
    hit = _meta.get(item_id)
    if hit is not None and hit[0] > time.monotonic():
        return True, hit[1]
    return False, None


def remember_meta(item_id: int, meta: ItemMeta | None) -> None:
    with _meta_lock:
        if len(_meta) > 10_000:
            _meta.clear()
        _meta[item_id] = (time.monotonic() + META_TTL, meta)


_loading: set[int] = set()


def cached_meta(item_id: int) -> ItemMeta | None:
    """The item from this process's cache. When it is stale, one thread reloads it while the others keep
    using the stale copy for that moment (a stampede of reloads would open a connection per thread)."""
    fresh, meta = fresh_meta(item_id)
    if fresh:
        return meta
    stale = _meta.get(item_id)
    with _meta_lock:
        someone_loading = item_id in _loading
        if not someone_loading:
            _loading.add(item_id)
    if someone_loading and stale is not None:
        return stale[1]
    try:
        meta = load_meta(item_id)
        remember_meta(item_id, meta)
        return meta
    finally:
        with _meta_lock:
            _loading.discard(item_id)


def forget_meta(item_id: int | None = None) -> None:
    """Drop this process's copy (after a merchant edit, and between tests)."""
    with _meta_lock:
        if item_id is None:
            _meta.clear()
        else:
            _meta.pop(item_id, None)


def check_window(meta: ItemMeta | None, *, now: float) -> ItemMeta:
    """Refuse before the start and after the end without touching anything but memory."""
    if meta is None or not meta.published:
        raise Conflict(_("This flash sale is not on."), code="sale_not_found", status=404)
    if now < meta.starts_at:
        wait = int(meta.starts_at - now) + 1
        raise Conflict(_("The sale has not started yet."), code="sale_not_started", fields={"starts_in": str(wait)})
    if now >= meta.ends_at:
        raise Conflict(_("This flash sale has ended."), code="sale_ended")
    return meta


def check_quantity(quantity, meta: ItemMeta) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= meta.per_user_limit:
        raise ValidationFailed(_("Buy from 1 to %(n)d.") % {"n": meta.per_user_limit}, code="invalid_quantity",
                               fields={"quantity": f"1..{meta.per_user_limit}"})
    return quantity


# ---------------------------------------------------------------- refusals the gate gives

def sold_out() -> Conflict:
    return Conflict(_("Sold out."), code="sold_out")


def over_limit(limit: int) -> DomainError:
    return Conflict(_("You can buy at most %(n)d of this item in this sale.") % {"n": limit},
                    code="over_user_limit", fields={"limit": str(limit)})


def token_used() -> Conflict:
    return Conflict(_("This purchase token was already used; reload the sale page."), code="token_used")


def rate_limited(who: str) -> RateLimited:
    return RateLimited(_("Too many attempts. Try again in a moment."), code="rate_limited",
                       fields={"retry_after": "1", "scope": who})


# ---------------------------------------------------------------- the database gate (embedded default)

class DbGate:
    """Rate limits and spent tokens on the Django cache; the stock check is the reservation's UPDATE."""

    name = "db"

    def admit(self, meta: ItemMeta, claims: Claims, quantity: int, ip: str) -> None:
        from quanzi.core import ratelimit

        try:
            ratelimit.hit("flash-user", claims.user_id, limit=conf("FLASH_USER_RATE"), window=1)
        except RateLimited:
            raise rate_limited("user")
        try:
            ratelimit.hit("flash-ip", ip, limit=conf("FLASH_IP_RATE"), window=1)
        except RateLimited:
            raise rate_limited("ip")
        if not cache.add(f"flash:tok:{claims.nonce}", 1, conf("FLASH_TOKEN_TTL") + 5):
            raise token_used()

    def settle(self, meta: ItemMeta, claims: Claims, quantity: int, *, won: bool, error: Exception | None) -> None:
        """Nothing to undo: the database did all the counting."""

    def give_back(self, item_id: int, user_id: int, quantity: int) -> None:
        """Units back in the sale: the pool row already has them."""

    def load(self, item_id: int) -> None:
        pass

    def reconcile(self) -> int:
        return 0


# ---------------------------------------------------------------- the Redis gate (production)

# KEYS: 1 stock, 2 buyers (hash user → units held), 3 token, 4 user rate, 5 ip rate, 6 pending (hash)
# ARGV: 1 user, 2 quantity, 3 per-user limit, 4 token ttl, 5 user rate, 6 ip rate, 7 now (epoch s), 8 nonce
# Returns the stock left (≥ 0) or: -1 sold out, -2 over the limit, -3 token used, -4 gate not loaded,
# -5 user rate, -6 ip rate.
ADMIT_LUA = """
local n = redis.call('INCR', KEYS[4])
if n == 1 then redis.call('EXPIRE', KEYS[4], 2) end
if n > tonumber(ARGV[5]) then return -5 end
n = redis.call('INCR', KEYS[5])
if n == 1 then redis.call('EXPIRE', KEYS[5], 2) end
if n > tonumber(ARGV[6]) then return -6 end
local stock = redis.call('GET', KEYS[1])
if not stock then return -4 end
stock = tonumber(stock)
if not redis.call('SET', KEYS[3], '1', 'NX', 'EX', tonumber(ARGV[4])) then return -3 end
local qty = tonumber(ARGV[2])
local held = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
if held + qty > tonumber(ARGV[3]) then return -2 end
if stock < qty then return -1 end
redis.call('DECRBY', KEYS[1], qty)
redis.call('HINCRBY', KEYS[2], ARGV[1], qty)
redis.call('HSET', KEYS[6], ARGV[8], ARGV[1] .. ':' .. ARGV[2] .. ':' .. ARGV[7])
return stock - qty
"""

ADMIT_SHA = hashlib.sha1(ADMIT_LUA.encode()).hexdigest()

# Settle an admitted request. KEYS: 1 stock, 2 buyers, 3 pending. ARGV: 1 nonce, 2 user, 3 quantity,
# 4 give the stock back (0/1), 5 give the buyer's count back (0/1). Acts only if the pending entry was
# still there, so a reconcile and a late settle never both give the same units back.
SETTLE_LUA = """
if redis.call('HDEL', KEYS[3], ARGV[1]) == 0 then return 0 end
if ARGV[4] == '1' then redis.call('INCRBY', KEYS[1], tonumber(ARGV[3])) end
if ARGV[5] == '1' then
  local left = redis.call('HINCRBY', KEYS[2], ARGV[2], -tonumber(ARGV[3]))
  if left <= 0 then redis.call('HDEL', KEYS[2], ARGV[2]) end
end
return 1
"""

# Align the counter with the database when nothing is in flight. KEYS: 1 stock, 2 pending. ARGV: 1 units
# left in the database. (A request admitted after the database was read shows up as pending: skipped.)
ALIGN_LUA = """
if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('HLEN', KEYS[2]) > 0 then return 0 end
if tonumber(redis.call('GET', KEYS[1])) == tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'KEEPTTL')
return 1
"""

# Units back in the sale (a reservation expired or its order was cancelled). KEYS: 1 stock, 2 buyers.
GIVE_BACK_LUA = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('INCRBY', KEYS[1], tonumber(ARGV[2]))
local left = redis.call('HINCRBY', KEYS[2], ARGV[1], -tonumber(ARGV[2]))
if left <= 0 then redis.call('HDEL', KEYS[2], ARGV[1]) end
return 1
"""


class RedisGate:
    name = "redis"

    def __init__(self, url: str, prefix: str):
        import redis

        self.url, self.prefix = url, prefix
        # A bounded pool: a rush waits a moment for a connection instead of opening thousands.
        self.client = redis.Redis(connection_pool=redis.BlockingConnectionPool.from_url(url, max_connections=256,
                                                                                        timeout=30))
        self._admit = self.client.register_script(ADMIT_LUA)
        self._settle = self.client.register_script(SETTLE_LUA)
        self._give_back = self.client.register_script(GIVE_BACK_LUA)
        self._align = self.client.register_script(ALIGN_LUA)
        self._async: dict[int, object] = {}  # event loop id → its pipelined connection

    # keys: every key of an item carries the hash tag {item id}
    def key(self, item_id: int, part: str) -> str:
        return f"{self.prefix}:{{{item_id}}}:{part}"

    def _admit_keys(self, meta: ItemMeta, claims: Claims, ip: str) -> list[str]:
        return [self.key(meta.item_id, "stock"), self.key(meta.item_id, "buyers"),
                self.key(meta.item_id, f"tok:{claims.nonce}"), self.key(meta.item_id, f"rl:u:{claims.user_id}"),
                self.key(meta.item_id, f"rl:ip:{ip}"), self.key(meta.item_id, "pending")]

    def _admit_args(self, meta: ItemMeta, claims: Claims, quantity: int) -> list:
        return [claims.user_id, quantity, meta.per_user_limit, conf("FLASH_TOKEN_TTL") + 5, conf("FLASH_USER_RATE"),
                conf("FLASH_IP_RATE"), int(time.time()), claims.nonce]

    def _verdict(self, result: int, meta: ItemMeta) -> bool:
        """True when admitted; raises the refusal otherwise; False when the gate must be loaded first."""
        if result >= 0:
            return True
        if result == -4:
            return False
        refusal = {-1: sold_out, -2: lambda: over_limit(meta.per_user_limit), -3: token_used,
                   -5: lambda: rate_limited("user"), -6: lambda: rate_limited("ip")}.get(result, sold_out)
        raise refusal()

    def admit(self, meta: ItemMeta, claims: Claims, quantity: int, ip: str) -> None:
        keys, args = self._admit_keys(meta, claims, ip), self._admit_args(meta, claims, quantity)
        if not self._verdict(int(self._admit(keys=keys, args=args)), meta):
            self.load(meta.item_id)
            if not self._verdict(int(self._admit(keys=keys, args=args)), meta):
                raise sold_out()  # the item is not in the database's running sales any more

    async def aadmit(self, meta: ItemMeta, claims: Claims, quantity: int, ip: str) -> bool:
        """The same script from the ASGI fast path, over this event loop's pipelined connection
        (flashsale/resp.py). False: the gate is not loaded (load it, retry)."""
        import asyncio

        from quanzi.flashsale.resp import PipelinedRedis, RedisUnavailable

        loop_id = id(asyncio.get_running_loop())
        client = self._async.get(loop_id)
        if client is None:
            client = self._async[loop_id] = PipelinedRedis(self.url)
        try:
            result = await client.evalsha(ADMIT_SHA, ADMIT_LUA, self._admit_keys(meta, claims, ip),
                                          self._admit_args(meta, claims, quantity))
        except (RedisUnavailable, OSError):
            raise DomainError(_("The sale is very busy. Try again in a moment."), code="service_busy", status=503)
        return self._verdict(int(result), meta)

    def settle(self, meta: ItemMeta, claims: Claims, quantity: int, *, won: bool, error: Exception | None) -> None:
        """After the database spoke: clear the pending entry, and give back what the database did not take.
        Sold out in the database but not here means this counter was high: it stays down. Over the
        limit in the database means this user's count was low: it stays up."""
        code = getattr(error, "code", "")
        stock_back = "0" if won or code == "sold_out" else "1"
        user_back = "0" if won or code == "over_user_limit" else "1"
        self._settle(keys=[self.key(meta.item_id, "stock"), self.key(meta.item_id, "buyers"),
                           self.key(meta.item_id, "pending")],
                     args=[claims.nonce, claims.user_id, quantity, stock_back, user_back])

    def give_back(self, item_id: int, user_id: int, quantity: int) -> None:
        self._give_back(keys=[self.key(item_id, "stock"), self.key(item_id, "buyers")], args=[user_id, quantity])

    def load(self, item_id: int) -> None:
        """Copy the database's truth into Redis if it is not there (first request, or after a flush)."""
        from quanzi.flashsale.selectors import item_truth

        truth = item_truth(item_id=item_id)
        if truth is None:
            return
        left, holders = truth
        stock_key = self.key(item_id, "stock")
        if self.client.set(stock_key, left, nx=True):
            pipe = self.client.pipeline()
            pipe.delete(self.key(item_id, "buyers"))
            if holders:
                pipe.hset(self.key(item_id, "buyers"), mapping=holders)
            pipe.expire(stock_key, 14 * 86400)
            pipe.expire(self.key(item_id, "buyers"), 14 * 86400)
            pipe.execute()

    def drop(self, item_id: int) -> None:
        self.client.delete(self.key(item_id, "stock"), self.key(item_id, "buyers"), self.key(item_id, "pending"))

    def reconcile(self) -> int:
        """Give back what workers admitted and never reserved (killed mid-request): pending entries older
        than PENDING_GRACE whose nonce has no reservation. Then, for items with nothing in flight, set the
        counter to the database's count (a refusal by the database leaves it high). Returns the number
        of units given back plus counters aligned."""
        from quanzi.flashsale.selectors import live_item_ids, nonces_reserved, units_left_by_id

        fixed = 0
        cutoff = time.time() - PENDING_GRACE
        items = live_item_ids()
        for item_id in items:
            keys = [self.key(item_id, "stock"), self.key(item_id, "buyers"), self.key(item_id, "pending")]
            stale = {}
            for nonce, value in self.client.hgetall(keys[2]).items():
                user, qty, at = value.decode().split(":")
                if float(at) < cutoff:
                    stale[nonce.decode()] = (int(user), int(qty))
            won = nonces_reserved(nonces=list(stale)) if stale else set()
            for nonce, (user, qty) in stale.items():
                back = "0" if nonce in won else "1"  # reserved: its commit happened, only the settle was lost
                fixed += int(self._settle(keys=keys, args=[nonce, user, qty, back, back])) * (back == "1")
        for item_id, left in units_left_by_id(item_ids=items).items():
            fixed += int(self._align(keys=[self.key(item_id, "stock"), self.key(item_id, "pending")], args=[left]))
        return fixed



_gates: dict[tuple, object] = {}


def current_gate() -> DbGate | RedisGate:
    """The configured gate (one per settings combination, so tests can switch)."""
    kind, url, prefix = conf("FLASH_GATE"), _redis_url(), conf("FLASH_REDIS_PREFIX")
    key = (kind, url, prefix)
    gate = _gates.get(key)
    if gate is None:
        gate = RedisGate(url, prefix) if kind == "redis" and url else DbGate()
        _gates[key] = gate
    return gate


def _redis_url() -> str:
    import os

    return settings.QUANZI.get("FLASH_REDIS_URL") or os.environ.get("REDIS_URL", "")
