"""Search for every 政通 index: Chinese analysis (jieba, synonyms, pinyin, n-grams) and an engine.

Framework-free (no Django imports). See ``search.analysis`` for the text analysis and
``search.engine`` for the :class:`SearchIndex` interface and its tantivy implementation.
"""

from .analysis import ANALYZER_VERSION, AnalyzedQuery, Analyzer, QueryTerm, ValueTokens, normalize
from .engine import (
    Doc,
    FacetCount,
    Hit,
    IndexSchema,
    SchemaMismatchError,
    SearchIndex,
    SearchResult,
    TantivyIndex,
    TextField,
    default_analyzer,
    open_index,
)

__all__ = [
    "ANALYZER_VERSION",
    "AnalyzedQuery",
    "Analyzer",
    "Doc",
    "FacetCount",
    "Hit",
    "IndexSchema",
    "QueryTerm",
    "SchemaMismatchError",
    "SearchIndex",
    "SearchResult",
    "TantivyIndex",
    "TextField",
    "ValueTokens",
    "default_analyzer",
    "normalize",
    "open_index",
]
