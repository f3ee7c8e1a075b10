"""hailong: citizen satisfaction and governance measurement (SIPAS, PAPI)."""

__version__ = "0.1.0"
