"""The embedded IoT Explorer cloud: same HTTP and websocket protocol as the real one, on loopback."""
