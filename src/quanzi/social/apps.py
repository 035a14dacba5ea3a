from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SocialConfig(AppConfig):
    name = "quanzi.social"
    label = "social"
    verbose_name = _("Social")

    def ready(self) -> None:
        # Page slots (quanzi.web.slots; docs/web-and-slots.md)
        from quanzi.web.slots import SlotEntry, slots, viewer_uid

        slots.register(SlotEntry(slot="shop.header", key="social.follow", template="social/partials/follow_shop_button.html",
                                 stylesheets=("social/css/social.css",)))
        slots.register(SlotEntry(slot="me.menu", key="social.profile", label=_("My public profile"),
                                 url="social:profile", url_args=viewer_uid, icon="👤",
                                 testid="my-public-profile", order=130))

        from quanzi.core.seeding import seeders
        from quanzi.social import demo
        # its demo data, for `manage.py seed_demo`
        seeders.register(demo.creators, order=30)
        seeders.register(demo.follows, order=32)
