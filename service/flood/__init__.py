"""Flood control: token buckets per site key, author and client address (at intake), and
near-duplicate bursts across authors (at verdict time)."""
