from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "quanzi.demo"
    label = "demo"

    def ready(self) -> None:
        from quanzi.core.seeding import seeders
        from quanzi.demo import rearm, seed

        seeders.register(seed.seeder, order=0)  # the shop itself: every feature's demo data builds on it
        if rearm.enabled():  # the dev settings' demo only: never in test or production settings
            from quanzi.core.sweeps import sweeps

            sweeps.register(rearm.rearm_sweep, key="demo_rearm")
