"""Hostile input against the whole app (a package, so that its world fixture ends with it)."""
