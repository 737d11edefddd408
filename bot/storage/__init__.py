"""The SQLite file: the store, its migrations, and the secrets kept at rest (encrypted tokens)."""
