"""Telegram handlers, one package (or module) per feature; each exposes ``register(app)``,
which names every command, button, typed answer and deep link the feature owns."""
