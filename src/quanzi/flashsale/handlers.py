"""Event subscribers, the price source registration and the sweeps of the flashsale app."""
