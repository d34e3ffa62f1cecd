"""Helpers the tests share. Test modules import from here and from the factories,
never from one another."""
