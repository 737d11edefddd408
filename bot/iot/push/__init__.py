"""The cloud's push stream: the websocket transport, the dispatcher, typed events, and the
read-back of what was missed while a socket was down."""
