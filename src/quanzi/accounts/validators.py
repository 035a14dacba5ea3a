"""Password validators added to Django's (settings.AUTH_PASSWORD_VALIDATORS): a maximum length, and a
password must show something (not only spaces, tabs or invisible characters, no unencodable text).

They run on registration and on every password change, over the API and in the forms alike
(accounts.services._check_password_strength).
"""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

INVISIBLE_CATEGORIES = {"Zs", "Zl", "Zp", "Cc", "Cf", "Cs", "Co", "Cn"}


class MaximumLengthValidator:
    """At most `max_length` characters: long passphrases fit, megabytes of "password" do not."""

    def __init__(self, max_length: int = 128):
        self.max_length = max_length

    def validate(self, password: str, user=None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                ngettext("This password is too long. It must contain at most %(max_length)d character.",
                         "This password is too long. It must contain at most %(max_length)d characters.",
                         self.max_length),
                code="password_too_long", params={"max_length": self.max_length})

    def get_help_text(self) -> str:
        return ngettext("Your password must contain at most %(max_length)d character.",
                        "Your password must contain at most %(max_length)d characters.",
                        self.max_length) % {"max_length": self.max_length}


def has_unusable_characters(text: str) -> bool:
    """NUL, or a lone UTF-16 surrogate (text that cannot be encoded, so cannot be hashed)."""
    return "\x00" in text or any("\ud800" <= ch <= "\udfff" for ch in text)


class VisibleCharactersValidator:
    """A password is not only whitespace or invisible characters, and contains no NUL or lone surrogate."""

    def validate(self, password: str, user=None) -> None:
        if has_unusable_characters(password):
            raise ValidationError(_("This password contains characters that cannot be used."),
                                  code="password_unusable_characters")
        if not any(unicodedata.category(ch) not in INVISIBLE_CATEGORIES for ch in password):
            raise ValidationError(_("This password cannot be only spaces or invisible characters."),
                                  code="password_only_whitespace")

    def get_help_text(self) -> str:
        return _("Your password cannot be only spaces or invisible characters.")
