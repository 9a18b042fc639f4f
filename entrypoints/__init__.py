"""Entry points: the web app, the workers, the scheduler and the CLI wire the adapters."""
