"""``manage.py proofread --format jsonl``: check UTF-8 text lines from stdin, one JSON object per line out.

Output (other tools parse it): ``{"line": n, "findings": [{"start", "end", "text", "suggestion", "kind",
"severity", "message", "rule", "confidence"}]}``; offsets are character offsets into the line as read
(without its line break). A line that cannot be checked gets ``{"line": n, "error": "中文说明"}`` and the
run goes on. Lines that are not UTF-8 are read as GB18030 (a superset of GBK) when that decodes them.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from content import checking
from text.proofread.findings import Kind

BATCH = 256


class Command(BaseCommand):
    help = "校对标准输入中的文字（每行一段），按行输出 JSON"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["jsonl", "text"], default="jsonl", help="输出格式")
        parser.add_argument("--kind", action="append", choices=[k.value for k in Kind],
                            help="只输出这些类型的问题（可重复）")
        parser.add_argument("--max-chars", type=int, default=checking.MAX_CHARS, help="每行最多字数")

    def handle(self, *args: Any, **options: Any) -> None:
        kinds = frozenset(Kind(k) for k in options["kind"]) if options["kind"] else None
        out = self.stdout
        for n, raw in enumerate(sys.stdin.buffer, start=1):
            record = self._check_line(n, raw, options["max_chars"], kinds)
            if options["format"] == "jsonl":
                out.write(json.dumps(record, ensure_ascii=False))
            else:
                out.write(self._as_text(record))

    def _check_line(self, n: int, raw: bytes, limit: int, kinds: frozenset[Kind] | None) -> dict[str, Any]:
        line = raw.rstrip(b"\r\n")
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = line.decode("gb18030")
            except UnicodeDecodeError:
                return {"line": n, "error": "该行既不是 UTF-8 也不是 GBK 编码，无法读取"}
        if len(text) > limit:
            return {"line": n, "error": f"该行过长：共 {len(text)} 字，不能超过 {limit} 字"}
        if not text.strip():
            return {"line": n, "findings": []}
        result = checking.check_text(text, kinds=kinds)
        return {"line": n, "findings": [f.to_json() for f in result.findings]}

    @staticmethod
    def _as_text(record: dict[str, Any]) -> str:
        if "error" in record:
            return f"第 {record['line']} 行：{record['error']}"
        lines = [f"第 {record['line']} 行 [{f['start']}:{f['end']}] {f['kind']}/{f['severity']} "
                 f"「{f['text']}」→「{f['suggestion']}」 {f['message']}" for f in record["findings"]]
        return "\n".join(lines) if lines else f"第 {record['line']} 行：未发现问题"
