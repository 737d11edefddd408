"""Cloud push -> chat: the listeners per account, resume points, the notifier that turns events
into alerts, their texts, the delivery queue with its outbox, and the live device cards."""
