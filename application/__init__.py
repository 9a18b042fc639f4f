"""Use cases: commands, events, ports and the handlers that drive the domain."""
