from django.contrib.auth.backends import ModelBackend

from quanzi.accounts.models import User


class PhoneOrEmailBackend(ModelBackend):
    """Authenticate with a phone number or an e-mail address (or the uid, for the admin), in any of the
    spellings `services.canonical_identifier` folds together (the admin's login form comes here too)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        from quanzi.accounts.services import MAX_LOGIN_PASSWORD, canonical_identifier
        from quanzi.accounts.validators import has_unusable_characters

        identifier = canonical_identifier(kwargs.get("identifier") or username or "")
        if not identifier or not isinstance(password, str) or len(password) > MAX_LOGIN_PASSWORD \
                or has_unusable_characters(password):  # could not have been set, and cannot be hashed
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
