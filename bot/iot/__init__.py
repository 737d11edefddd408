"""IoT Explorer app-API client: signing, requests, models, DataTemplate, push. No Telegram here."""
