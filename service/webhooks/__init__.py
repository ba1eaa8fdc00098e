"""Webhooks: sites' endpoints, signed deliveries of outbox events, the delivery log."""
