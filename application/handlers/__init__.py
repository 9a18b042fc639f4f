"""One handler per command or event."""
