"""airesearch: a command-line research assistant for Japanese AI-industry articles."""

__version__ = "0.1.0"
