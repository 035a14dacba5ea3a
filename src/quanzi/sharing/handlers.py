"""Event subscribers of this app."""
