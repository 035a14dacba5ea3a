"""API authentication: a Bearer token (apps, scripts) or the browser session (with CSRF).

A bearer-authenticated request carries its token as `request.api_token` (refresh, logout and the token
list need to know which one is "this one"); a session-authenticated one has `request.api_token = None`.
"""

from ninja.security import APIKeyCookie, HttpBearer

from quanzi.accounts.services import api_token_authenticate


def _bearer_user(request, key: str):
    token = api_token_authenticate(key=key)
    if token is None:
        return None
    request.user = token.user
    request.api_token = token
    return token.user


class BearerAuth(HttpBearer):
    def authenticate(self, request, token):
        return _bearer_user(request, token)


class SessionAuth(APIKeyCookie):
    """Django session; CSRF is enforced by Ninja for cookie auth."""

    param_name = "sessionid"

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        return user if user is not None and user.is_authenticated else None


auth = [BearerAuth(), SessionAuth()]
bearer_only = [BearerAuth()]


class OptionalAuth(SessionAuth):
    """Lets anonymous visitors through; `request.auth` is the user or None."""

    def __call__(self, request):
        bearer = request.headers.get("Authorization", "")
        if bearer.lower().startswith("bearer "):
            user = _bearer_user(request, bearer.split(" ", 1)[1].strip())
            if user is not None:
                return user
        user = getattr(request, "user", None)
        return user if user is not None and user.is_authenticated else True


optional_auth = [OptionalAuth(csrf=False)]
