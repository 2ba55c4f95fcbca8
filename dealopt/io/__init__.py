"""Conversions between dealopt instances and other tools' problem formats (no solver here)."""
