"""Pure views: data + translator -> (text, keyboard). No I/O; cloud names escaped for HTML."""
