import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quanzi.accounts.masking import mask_email, mask_phone


def new_uid() -> str:
    return "u" + secrets.token_hex(6)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, *, phone=None, email=None, password=None, **extra):
        if not phone and not email:
            raise ValueError("a user needs a phone number or an e-mail address")
        email = self.normalize_email(email) if email else None
        user = self.model(phone=phone or None, email=email or None, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, uid=None, password=None, email=None, phone=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(phone=phone, email=email or f"{uid or 'admin'}@quanzi.local",
                                password=password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Logs in with a phone number or an e-mail address; `uid` is the stable public id."""

    uid = models.CharField(max_length=20, unique=True, default=new_uid, editable=False)
    phone = models.CharField(_("phone"), max_length=20, unique=True, null=True, blank=True)
    email = models.EmailField(_("e-mail"), unique=True, null=True, blank=True)
    nickname = models.CharField(_("nickname"), max_length=40, blank=True)
    avatar = models.ImageField(_("avatar"), upload_to="avatars/", blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    is_staff = models.BooleanField(_("operator"), default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # Bumped to end every other session of this user ("log out everywhere else"); see _get_session_auth_hash.
    session_epoch = models.PositiveIntegerField(default=0, editable=False)

    USERNAME_FIELD = "uid"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name everyone sees: the nickname, else "User 3f9a1c" from the public uid — never anything
        derived from the phone number or the e-mail address (only their owner and staff see those)."""
        if self.nickname:
            return self.nickname
        if self.uid:
            return _("User %(code)s") % {"code": self.uid[-6:]}
        return str(_("User"))

    @property
    def masked_phone(self) -> str:
        """138****8000: for the owner's own pages and for staff, never for other people."""
        return mask_phone(self.phone)

    @property
    def masked_email(self) -> str:
        return mask_email(self.email)

    def _get_session_auth_hash(self, secret=None):
        """Django ends every session whose stored hash differs from this one. It already changes with the
        password; `session_epoch` also changes it when the user logs out their other sessions."""
        if not self.session_epoch:
            return super()._get_session_auth_hash(secret=secret)
        from django.utils.crypto import salted_hmac

        return salted_hmac("quanzi.accounts.User.session_auth_hash", f"{self.password}:{self.session_epoch}",
                           secret=secret, algorithm="sha256").hexdigest()


class Address(models.Model):
    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="addresses")
    recipient = models.CharField(_("recipient"), max_length=40)
    phone = models.CharField(_("phone"), max_length=20)
    province = models.CharField(_("province"), max_length=40)
    city = models.CharField(_("city"), max_length=40)
    district = models.CharField(_("district"), max_length=40, blank=True)
    detail = models.CharField(_("street address"), max_length=200)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    is_default = models.BooleanField(_("default"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-is_default", "-id"]
        verbose_name = _("address")
        verbose_name_plural = _("addresses")

    def __str__(self) -> str:
        return f"{self.recipient} {self.province}{self.city}{self.district}{self.detail}"

    def snapshot(self) -> dict:
        """The copy an order keeps, so later edits never change a placed order."""
        return {
            "recipient": self.recipient, "phone": self.phone, "province": self.province, "city": self.city,
            "district": self.district, "detail": self.detail, "postal_code": self.postal_code,
        }


def token_expiry():
    """When a bearer token issued now expires (QUANZI_API_TOKEN_TTL_SECONDS, 30 days by default)."""
    from django.conf import settings

    return timezone.now() + timedelta(seconds=settings.QUANZI["API_TOKEN_TTL_SECONDS"])


class ApiToken(models.Model):
    """A bearer token for the JSON API (mobile apps, scripts). Only its hash is stored, with the first
    characters of the key (`hint`) so its owner can tell tokens apart. It expires; a refresh replaces it."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=60, blank=True)
    hint = models.CharField(_("begins with"), max_length=12, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), default=token_expiry, db_index=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        indexes = [models.Index(fields=["user", "-created_at"], name="accounts_token_user_recent")]

    def __str__(self) -> str:
        return f"token for {self.user_id}"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()
