"""The wheel's one thing pyproject.toml cannot say: locales/ (top of the repository) installs
as bot/locales/, so a non-editable install (the Dockerfile's) finds its translations."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["bot", "bot.*"]), "bot.locales"],
    package_dir={"bot.locales": "locales"},
)
