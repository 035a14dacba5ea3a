"""settlement holds no personal data (PII inventory, quanzi.core.personal_data)."""

from quanzi.core.personal_data import declare

declare(app="settlement", personal={},
        not_personal={"settlement.Payout.note": "the operator's note on a merchant payout"})
