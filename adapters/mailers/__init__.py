"""Ways to e-mail a sale document to the client."""
