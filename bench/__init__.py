"""Benchmarks for Comment Desk, each measured against a baseline in the same run."""
