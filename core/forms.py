from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from core.errors import DomainError
from core.models import Unit


def add_domain_error(form: forms.BaseForm, exc: DomainError) -> None:
    """Show a service's error on the field it names, else above the form (services use the forms' names)."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码不正确。",
        "inactive": "该账号已停用。",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"


class AuditFilterForm(forms.Form):
    q = forms.CharField(label="对象或操作人", required=False)
    action = forms.CharField(label="操作代码", required=False, help_text="如 plan.report")
    unit = forms.ModelChoiceField(label="单位", queryset=Unit.objects.all(), required=False, empty_label="全部单位")
    since = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))


class CalendarDayForm(forms.Form):
    day = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    is_workday = forms.TypedChoiceField(label="类型", choices=[("0", "休息（本地假日）"), ("1", "上班（调休工作日）")],
                                        coerce=lambda v: v == "1")
    note = forms.CharField(label="说明", max_length=80, required=False)


def _parse_dates(raw: str, field: str) -> list[date]:
    days: list[date] = []
    for token in raw.replace("，", ",").replace("、", ",").replace("\n", ",").split(","):
        token = token.strip()
        if not token:
            continue
        if "~" in token or "至" in token:
            lo, hi = [t.strip() for t in token.replace("至", "~").split("~", 1)]
            start, end = _one_date(lo, field), _one_date(hi, field)
            if end < start or (end - start).days > 31:
                raise forms.ValidationError(f"日期范围“{token}”无效（结束须不早于开始，且不超过 31 天）")
            days.extend(date.fromordinal(o) for o in range(start.toordinal(), end.toordinal() + 1))
        else:
            days.append(_one_date(token, field))
    return days


def _one_date(token: str, field: str) -> date:
    try:
        return date.fromisoformat(token)
    except ValueError as exc:
        raise forms.ValidationError(f"{field}中的“{token}”不是有效日期，请写成 2027-01-01 的格式") from exc


class HolidayNoticeForm(forms.Form):
    year = forms.IntegerField(label="年份", min_value=2000, max_value=2100)
    title = forms.CharField(label="通知名称", max_length=120,
                            initial="国务院办公厅关于{year}年部分节假日安排的通知")
    holidays = forms.CharField(
        label="放假日期", widget=forms.Textarea(attrs={"rows": 4}),
        help_text="逐个或按范围填写，如 2027-01-01, 2027-02-05~2027-02-11（周末也可列入）")
    workdays = forms.CharField(label="调休上班日期", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                               help_text="需要上班的周六、周日，如 2027-02-14")

    def clean_holidays(self) -> list[date]:
        return _parse_dates(self.cleaned_data["holidays"], "放假日期")

    def clean_workdays(self) -> list[date]:
        return _parse_dates(self.cleaned_data.get("workdays") or "", "调休上班日期")
