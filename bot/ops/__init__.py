"""Running the bot in production: logs (secrets masked), metrics, the heap keeper, the web server
(webhook, /healthz, /metrics)."""
