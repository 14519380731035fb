# Copyright (c) kollaprep.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Nothing half-written: a temp file that goes away when what writes it fails (stdlib only)."""

from __future__ import annotations

import contextlib
import os


@contextlib.contextmanager
def removed_on_error(path: str):
    """Remove ``path`` (a temp file being written) when the block raises, then re-raise."""
    try:
        yield path
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(path)
        raise
