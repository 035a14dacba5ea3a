"""`manage.py reconcile [--provider X] [--day YYYY-MM-DD]`: reconcile one day (yesterday by default) of
one provider (every provider with a bill by default) now, whatever the sweep did already."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from quanzi.core.adminkit import yuan
from quanzi.core.errors import DomainError
from quanzi.reconciliation import selectors, services
from quanzi.reconciliation.constants import MismatchStatus, RunStatus


class Command(BaseCommand):
    help = "Compare a payment provider's bill of one day with Quanzi's payments, refunds and ledger."

    def add_arguments(self, parser):
        parser.add_argument("--provider", help="provider code (default: the enabled providers and any other "
                                                   "that was used that day)")
        parser.add_argument("--day", help="YYYY-MM-DD, Asia/Shanghai (default: yesterday)")

    def handle(self, *args, **options):
        try:
            day = (dt.date.fromisoformat(options["day"]) if options["day"]
                   else services.local_today() - dt.timedelta(days=1))
        except ValueError:
            raise CommandError(f"--day must be YYYY-MM-DD, not {options['day']!r}")
        try:
            services.day_check(day=day)
        except DomainError as exc:
            raise CommandError(f"{day}: {exc.message}")
        providers = [options["provider"]] if options["provider"] else services.reconcilable_providers(day=day)
        failed = []
        for provider in providers:
            try:
                run = services.reconcile(provider=provider, day=day, force=True)
            except DomainError as exc:
                raise CommandError(f"{provider} {day}: {exc.message}")
            if run.status == RunStatus.FAILED:
                failed.append(f"{provider} {day}: bill unavailable ({run.last_error}); the sweep retries it")
                continue
            self._report(run)
        if failed:
            raise CommandError("\n".join(failed))

    def _report(self, run) -> None:
        self.stdout.write(
            f"{run.provider} {run.day}: provider {run.provider_payments} payments {yuan(run.provider_payment_total)}, "
            f"{run.provider_refunds} refunds {yuan(run.provider_refund_total)}, fees {yuan(run.net_fees)}; "
            f"Quanzi {run.quanzi_payments} payments {yuan(run.quanzi_payment_total)}, "
            f"{run.quanzi_refunds} refunds {yuan(run.quanzi_refund_total)}")
        mismatches = selectors.mismatches_of(run_id=run.pk, status=MismatchStatus.OPEN)
        for m in mismatches:
            self.stdout.write(f"  {m.kind:20} {m.subject:8} {m.number:32} provider {yuan(m.provider_amount):>12} "
                              f"Quanzi {yuan(m.quanzi_amount):>12} ledger {yuan(m.ledger_amount):>12} "
                              f"{m.quanzi_status}")
        if mismatches:
            self.stdout.write(self.style.WARNING(f"{len(mismatches)} open mismatch(es)"))
        else:
            self.stdout.write(self.style.SUCCESS("no open mismatch"))
