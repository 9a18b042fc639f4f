"""`make chaos`: the reliability guarantees of docs/reliability.md, proven on the real processes.

Starts gunicorn (web), two Dramatiq workers and the scheduler on PostgreSQL and a private Redis,
between the PayTraq and Mozello sandboxes; drives them through the sandboxes' storefront and
fault controls (HTTP); prints one table and asserts the invariants. `python -m chaos` runs the
full size; tests/integration/chaos runs the same code at a size CI can afford."""
