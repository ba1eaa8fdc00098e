"""Comment Desk service: the HTTP API and the application core (storage, use cases, queue)."""
