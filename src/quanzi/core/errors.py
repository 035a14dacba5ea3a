"""Domain errors. Every error a user can cause maps to one HTTP status and one JSON shape:
`{"error": {"code": "...", "message": "...", "fields": {...}}}`."""

from __future__ import annotations


class DomainError(Exception):
    status = 422
    code = "business_rule"

    def __init__(self, message: str = "", *, code: str | None = None, fields: dict | None = None,
                 status: int | None = None):
        super().__init__(message or self.code)
        self.message = str(message or self.code)
        if code:
            self.code = code
        if status:
            self.status = status
        self.fields = fields or {}

    def as_dict(self) -> dict:
        return {"error": {"code": self.code, "message": self.message, "fields": self.fields}}


class ValidationFailed(DomainError):
    status = 400
    code = "validation_error"


class NotAuthenticated(DomainError):
    status = 401
    code = "not_authenticated"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    """The object is in a state that does not allow this (409)."""

    status = 409
    code = "conflict"


class BusinessRuleViolation(DomainError):
    status = 422
    code = "business_rule"


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"


class InvalidTransition(Conflict):
    code = "invalid_state"
