"""`python -m tests.golden`: regenerate the golden fingerprints (see `make golden`)."""

from tests.golden import regenerate

regenerate()
