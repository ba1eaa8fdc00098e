"""Allow `python -m commentdesk`."""

from __future__ import annotations

from commentdesk.cli import main

raise SystemExit(main())
