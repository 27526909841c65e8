"""Tactic detectors: small classes behind one interface (``Detector``), listed in one registry."""

from signals.detectors.base import Detector
from signals.detectors.registry import DetectorRegistry

__all__ = ["Detector", "DetectorRegistry"]
