"""Seeded synthetic Dutch data generator for signals (messages and conversations).

    from training.synth import generate_messages, generate_conversations
    msgs = generate_messages(20000, seed=13)
    convs = generate_conversations(600, seed=13)

Content follows ``shared/TAXONOMY.md``: grooming and sextortion appear only as the manipulative,
coercive or transactional language around them, at the level of a public prevention leaflet.
"""

from .conversations import generate_conversations
from .messages import generate_messages

__all__ = ["generate_conversations", "generate_messages"]
