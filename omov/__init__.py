"""omov: one member, one vote."""

__version__ = "0.1.0"
