"""``python -m credmatch.api.export [PATH]``: write the GraphQL SDL (default schema.graphql)."""

from __future__ import annotations

import sys
from pathlib import Path

from credmatch.api.schema import build_schema


def sdl() -> str:
    return str(build_schema()) + "\n"


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "schema.graphql")
    target.write_text(sdl())
    print(f"wrote {target}")
