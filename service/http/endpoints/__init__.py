"""Thin handlers: parse → call a use case → render."""
