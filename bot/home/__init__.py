"""The user's home as the bot knows it, no Telegram: accounts, the per-user Home (lookup.py),
device names and cards, the device directory, alert preferences, time zones, timer times."""
