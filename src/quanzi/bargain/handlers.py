"""Event subscribers, the price source registration and the sweeps of the bargain app."""
