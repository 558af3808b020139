"""``python -m csperf``: the csperf command line."""

from __future__ import annotations

from csperf.cli import main

if __name__ == "__main__":
    main()
