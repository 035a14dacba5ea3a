"""Event subscribers, the live price source and the attribution provider of live-room sales."""
