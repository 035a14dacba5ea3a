from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "quanzi.demo"
    label = "demo"

    def ready(self) -> None:
        from quanzi.core.seeding import seeders
        from quanzi.demo import seed

        seeders.register(seed.seeder, order=0)  # the shop itself: every feature's demo data builds on it
