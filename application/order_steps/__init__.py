"""The steps that take one order as far as the channel's switches allow, in the order
application/order_steps/pipeline.py runs them; each step is a small function of an OrderRun."""
