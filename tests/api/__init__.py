"""Tests of the HTTP API (``signals.api``)."""
