"""Fake rule packs for tests/test_plugins.py, loaded through constructed entry points."""
