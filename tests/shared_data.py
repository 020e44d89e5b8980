"""Where the team's shared evaluation data lives, for the few tests that measure against it.

CI lays a copy of ``shared/`` beside the checkout; a developer's machine has it
at ``/work/shared``. Tests that need it skip when neither exists.
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = next((p for p in (REPO.parent / "shared", Path("/work/shared")) if p.is_dir()), REPO.parent / "shared")
SEED_GOLD = SHARED / "gold" / "seed.jsonl"
