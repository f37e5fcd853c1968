"""Forms of the indicator pages; the rules live in indicators.services."""

from __future__ import annotations

from django import forms
from django.conf import settings

MAX_NOTE_CHARS = 300


class MeasurementForm(forms.Form):
    value = forms.CharField(label="实际值", max_length=30, help_text="填写数字，如 97.5；百分比可写成 97.5%",
                            error_messages={"required": "请填写实际值"})
    period_label = forms.CharField(label="统计期", max_length=20, required=False,
                                   help_text="如 2023年第三季度、2023年、2023-09")
    note = forms.CharField(label="说明", max_length=MAX_NOTE_CHARS, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.FileField(
        label="佐证材料", required=False,
        help_text=f"PDF、Word、Excel、图片或压缩包，不超过 {settings.UPLOAD_MAX_BYTES // (1024 * 1024)} MB")
