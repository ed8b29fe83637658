"""Tests of the runtime part of the generated package (client, errors, encoding, models)."""
