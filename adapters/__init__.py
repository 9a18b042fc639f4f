"""Adapters: PayTraq, Mozello, e-mail, storage, and the in-memory fakes."""
