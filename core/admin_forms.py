from __future__ import annotations

from typing import Any

from django import forms

from core.models import Role, Unit, UnitKind, User


class UnitForm(forms.Form):
    short_name = forms.CharField(label="简称", max_length=40)
    full_name = forms.CharField(label="全称", max_length=120)
    kind = forms.ChoiceField(label="类型", choices=UnitKind.choices)
    parent = forms.ModelChoiceField(label="上级单位", queryset=Unit.objects.all(), required=False,
                                    empty_label="（无，顶级单位）")
    aliases = forms.CharField(label="别名", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                              help_text="文件中的其他写法，用顿号或逗号分隔，如：大数据管理局、县大数据中心")
    credit_code = forms.CharField(label="统一社会信用代码", max_length=18, required=False)
    sort_order = forms.IntegerField(label="排序", min_value=0, initial=100)
    is_active = forms.BooleanField(label="启用", required=False, initial=True)

    def clean_aliases(self) -> list[str]:
        raw = self.cleaned_data.get("aliases") or ""
        for sep in "，,;；\n":
            raw = raw.replace(sep, "、")
        return [a.strip() for a in raw.split("、") if a.strip()]

    @staticmethod
    def initial_for(unit: Unit) -> dict[str, Any]:
        return {"short_name": unit.short_name, "full_name": unit.full_name, "kind": unit.kind,
                "parent": unit.parent_id, "aliases": "、".join(unit.aliases), "credit_code": unit.credit_code,
                "sort_order": unit.sort_order, "is_active": unit.is_active}


class PersonForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    display_name = forms.CharField(label="姓名", max_length=40)
    unit = forms.ModelChoiceField(label="所属单位", queryset=Unit.objects.active(), required=False)
    roles = forms.MultipleChoiceField(label="角色", choices=Role.choices, widget=forms.CheckboxSelectMultiple,
                                      required=False)
    phone = forms.CharField(label="手机号", max_length=20, required=False)
    password = forms.CharField(label="初始密码", widget=forms.PasswordInput, required=False, min_length=8,
                               help_text="新建人员时必填，至少 8 位")
    is_active = forms.BooleanField(label="启用", required=False, initial=True)

    def __init__(self, *args: Any, person: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person
        if person is not None:
            self.fields["username"].disabled = True
            self.fields["password"].help_text = "留空则不修改"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.person is None and not data.get("password"):
            self.add_error("password", "新建人员时请设置初始密码")
        return data


class ScheduleForm(forms.Form):
    enabled = forms.BooleanField(label="启用", required=False)
    daily_at = forms.TimeField(label="每日运行时刻", required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    every_minutes = forms.IntegerField(label="或每隔（分钟）", required=False, min_value=1, max_value=7 * 24 * 60)
