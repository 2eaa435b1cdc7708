"""The library's version, read by the build backend and reported in provenance notes."""

__version__ = "0.1.0"
