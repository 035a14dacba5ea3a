"""API authentication: a Bearer token (apps, scripts) or the browser session (with CSRF)."""

from ninja.security import APIKeyCookie, HttpBearer

from quanzi.accounts.services import api_token_user


class BearerAuth(HttpBearer):
    def authenticate(self, request, token):
        user = api_token_user(key=token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """Django session; CSRF is enforced by Ninja for cookie auth."""

    param_name = "sessionid"

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        return user if user is not None and user.is_authenticated else None


auth = [BearerAuth(), SessionAuth()]


class OptionalAuth(SessionAuth):
    """Lets anonymous visitors through; `request.auth` is the user or None."""

    def __call__(self, request):
        bearer = request.headers.get("Authorization", "")
        if bearer.lower().startswith("bearer "):
            user = api_token_user(key=bearer.split(" ", 1)[1].strip())
            if user is not None:
                request.user = user
                return user
        user = getattr(request, "user", None)
        return user if user is not None and user.is_authenticated else True


optional_auth = [OptionalAuth(csrf=False)]
