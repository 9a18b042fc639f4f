"""Mozello's Store API: the client, its wire schemas, webhook signatures and a local sandbox."""
