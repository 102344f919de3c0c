"""API tokens: made for a member of staff, shown once, stored as a hash."""

import hashlib
import secrets
from datetime import timedelta

from django.utils import timezone

from foidesk.accounts import permissions
from foidesk.accounts.models import User
from foidesk.api.models import ApiToken

PREFIX = "fd_"
# Recording every use would write on every call; once a minute is enough to see it is used.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenError(Exception):
    """A token cannot be made as asked; the message says why."""


def _hash(key):
    return hashlib.sha256(key.encode()).hexdigest()


def create(username, name=""):
    """A new token for ``username``; the only time the token itself exists in full."""
    user = User.objects.filter(username=username).first()
    if user is None:
        raise TokenError(f"there is no user called {username!r}")
    if not user.is_active:
        raise TokenError(f"{username} is switched off; switch the account on first")
    if not user.has_perm(permissions.USE_API):
        raise TokenError(f"{username} has no role; give them one before making a token")
    key = PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, key_hash=_hash(key), prefix=key[:10])
    return key


def user_for(key):
    """The active user a token belongs to, or None."""
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash(key)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
