"""Pure views: data + translator -> (text, keyboard). No I/O; cloud names escaped for HTML.

Every text built from cloud data fits Telegram's limits: lists page (bot.views.paging), single
long values are trimmed with a marker (bot.telegram.limits).
"""
