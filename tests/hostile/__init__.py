"""The hostile cases of tests/test_hostile.py, as data: one module per kind of input."""
