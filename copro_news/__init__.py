"""copro-news: compose, check, preview and send a monthly team newsletter."""

__version__ = "0.1.0"
