"""Watched-word matching: evasion folding that keeps offsets, and a compiled list per site."""
