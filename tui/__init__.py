"""readtui: review model-suggested entities and quotes in news articles, by keyboard."""

__version__ = "0.1.0"
