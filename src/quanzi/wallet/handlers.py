"""Event subscribers of this app.

The wallet subscribes to nothing: it is a generic user balance. Features that earn money for users
(distribution commission today, live-host commission and tips later) post into
`wallet.accounts.earnings_pending` / `wallet_available` themselves, in their own transactions.
"""
