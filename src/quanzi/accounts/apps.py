from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "quanzi.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from quanzi.accounts import tasks  # noqa: F401 - registers the expired-token sweep
        from quanzi.web.slots import TEMPLATE, SlotEntry, declare_slot, slots

        declare_slot("register.notices", kind=TEMPLATE, owner="accounts",
                     doc="Registration form, above the button: what a person agrees to by signing up.")
        slots.register(SlotEntry(slot="me.menu", key="accounts.security", label=_("Sign-in and devices"),
                                 url="accounts:security", icon="🛡️", testid="me-security", order=200))

        from quanzi.accounts.services import run_login_hooks

        # Django announces a session login with a signal; accounts turns it into its own registry of
        # login hooks, so other apps plug in the same way as everywhere else.
        user_logged_in.connect(lambda sender, request, user, **kwargs: run_login_hooks(request=request, user=user),
                               dispatch_uid="quanzi-login-hooks", weak=False)
