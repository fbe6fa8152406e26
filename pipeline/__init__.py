"""Harvester of Vietnam's digital-transformation (DTI) figures."""
__version__ = "0.1.0"
