import hashlib
import secrets

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
        return self.nickname or mask_phone(self.phone) or mask_email(self.email) or self.uid

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


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


class ApiToken(models.Model):
    """A bearer token for the JSON API (mobile apps, scripts). Only its hash is stored."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=60, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)


    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"token for {self.user_id}"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()
