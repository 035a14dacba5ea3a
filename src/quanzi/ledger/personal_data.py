"""The ledger holds no personal data: accounts are named by code (`user:<id>:wallet`), and the user id
stays pointing at the pseudonymised user row after deletion, as accounting law keeps the books."""

from quanzi.core.personal_data import declare

declare(app="ledger", personal={},
        not_personal={"ledger.Account.name": "the account's code (`user:<id>:wallet`, `platform:revenue`), no name"})
