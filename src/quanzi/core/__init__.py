"""Shared kernel: money, clock, errors, domain events, idempotency, sweeps. Imports no app."""
