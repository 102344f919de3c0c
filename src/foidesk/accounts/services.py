"""Staff sign-in and accounts."""

import hashlib

from django.core.cache import cache

# Failed sign-ins allowed for one username before it must wait.
SIGN_IN_ATTEMPTS = 5
SIGN_IN_WINDOW_SECONDS = 15 * 60


def _failures_key(username):
    # Usernames are hashed so the cache holds nothing that names a person.
    digest = hashlib.sha256(username.strip().casefold().encode()).hexdigest()
    return f"sign-in-failures:{digest}"


def sign_in_blocked(username):
    return cache.get(_failures_key(username), 0) >= SIGN_IN_ATTEMPTS


def record_failed_sign_in(username):
    key = _failures_key(username)
    cache.add(key, 0, SIGN_IN_WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, SIGN_IN_WINDOW_SECONDS)


def clear_failed_sign_ins(username):
    cache.delete(_failures_key(username))
