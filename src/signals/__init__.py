"""signals: grooming and sextortion signals in Dutch social-media messages, for human review."""

__version__ = "0.2.0"
