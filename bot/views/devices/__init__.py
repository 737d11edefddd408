"""The device screens as pure views: the list, the card, its controls, management, history and
its chart."""
