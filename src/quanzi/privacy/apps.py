from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "quanzi.privacy"
    label = "privacy"
    verbose_name = _("Privacy")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from quanzi.privacy import handlers, tasks  # noqa: F401 - consent at sign-up; the export and deletion sweeps

        autodiscover_modules("personal_data")  # every app's PII inventory, exporter and eraser (core.personal_data)

        from quanzi.web.slots import SlotEntry, slots

        slots.register(SlotEntry(slot="register.notices", key="privacy.policy",
                                 template="privacy/partials/signup_notice.html"))
        slots.register(SlotEntry(slot="me.menu", key="privacy", label=_("Privacy centre"), url="privacy:centre",
                                 icon="🔒", testid="my-privacy", order=190))
        slots.register(SlotEntry(slot="me.staff_menu", key="privacy.access_log", label=_("Personal-data access log"),
                                 url="admin:privacy_accesslog_changelist", icon="🔍", testid="me-ops-privacy"))

        from quanzi.core.seeding import seeders
        from quanzi.privacy import demo

        seeders.register(demo.seeder, order=97)  # after every other app's people and data
