"""Plumbing every feature uses, with no cloud calls: typed services (context), routes and the
callback codec, the command menu, persistence, one way to show a screen, the rate limiter,
the error handler and its texts, Telegram's limits."""
