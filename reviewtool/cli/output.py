"""What every command may print without loading Rich: JSON on stdout, one-line messages on stderr.

Kept apart from :mod:`reviewtool.cli.render` (Rich tables, redlines) so that a command
run with ``--json``, or one that fails early, never pays for importing Rich.
"""

from __future__ import annotations

import sys
from typing import Any

from reviewtool.textsafe import json_text


def emit_json(data: Any) -> None:
    """Write *data* as JSON to stdout, safe for a terminal (:func:`reviewtool.textsafe.json_text`)."""
    sys.stdout.write(json_text(data, default=str) + "\n")
