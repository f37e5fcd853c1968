"""Catalog test fixtures: every test gets its own, empty search-index directory.

No test touches ``var/search``. Without an index the catalog searches with its substring filter, which
is what most tests exercise; ``catalog/tests/test_search_index.py`` builds indexes on purpose.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _search_index_root(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    # The indexes inside appear with the first write; most tests never write one.
    root = tmp_path_factory.mktemp("search", numbered=True)
    settings.SEARCH_INDEX_ROOT = root
    return root
