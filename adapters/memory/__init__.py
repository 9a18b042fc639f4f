"""In-memory implementations of every port: the unit tests and the demo use them."""
