"""Telegram front-end for Tencent Cloud IoT Explorer smart homes."""
