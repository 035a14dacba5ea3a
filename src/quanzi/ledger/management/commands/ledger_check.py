from django.core.management.base import BaseCommand, CommandError
from django.db.models import Sum

from quanzi.ledger.models import Posting
from quanzi.ledger.selectors import mixed_currency_transactions, trial_balance, unbalanced_transactions


class Command(BaseCommand):
    help = "Verify the ledger: every transaction sums to zero, one currency per transaction, books balance."

    def handle(self, *args, **options):
        problems = []
        for txn_id, total in unbalanced_transactions():
            problems.append(f"transaction {txn_id} sums to {total}")
        for txn_id in mixed_currency_transactions():
            problems.append(f"transaction {txn_id} mixes currencies")
        grand = Posting.objects.aggregate(s=Sum("amount"))["s"] or 0
        if grand != 0:
            problems.append(f"all postings sum to {grand}, not 0")
        if options["verbosity"] > 1:
            for account, bal in trial_balance():
                self.stdout.write(f"{account.code:48} {bal:>14d}")
        if problems:
            raise CommandError("ledger check FAILED:\n" + "\n".join(problems))
        self.stdout.write(self.style.SUCCESS("ledger check ok: every transaction balances"))
