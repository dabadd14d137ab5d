"""Fixed-window request limits per client address, counted in Django's cache (Redis in production, so every web
process shares the counts; local memory on a laptop and in tests)."""

from __future__ import annotations

import hashlib

from django.core.cache import cache


def hit(scope: str, address: str, limit: int, window: int) -> bool:
    """Counts one request of `address` in `scope`; False once it is over `limit` in the current window."""
    if not address or limit <= 0:
        return True
    # The address only as a digest: the cache need not hold visitors' addresses in the clear.
    key = f"ratelimit:{scope}:{hashlib.sha256(address.encode()).hexdigest()[:32]}"
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:  # the window ended between add and incr
        cache.set(key, 1, window)
        count = 1
    return count <= limit
