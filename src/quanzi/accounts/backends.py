from django.contrib.auth.backends import ModelBackend

from quanzi.accounts.models import User


class PhoneOrEmailBackend(ModelBackend):
    """Authenticate with a phone number or an e-mail address (or the uid, for the admin)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        identifier = (kwargs.get("identifier") or username or "").strip()
        if not identifier or password is None:
            return None
        if "@" in identifier:
            user = User.objects.filter(email__iexact=identifier).first()
        else:
            user = User.objects.filter(phone=identifier).first() or User.objects.filter(uid=identifier).first()
        if user is None:
            User().set_password(password)  # same work as a real check, against timing probes
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
