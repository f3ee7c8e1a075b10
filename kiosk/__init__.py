"""The kiosk rating station: its blueprint and static assets."""
