"""One access-checked getter per catalog model; views and the API fetch user-supplied ids only here."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from catalog.models import DataResource, Demand, InformationSystem, SharingEntry
from core.models import User


def get_resource_for_user(user: User, pk: int, *, write: bool = False) -> DataResource:
    """Published resources are visible to every logged-in person; drafts only to their unit."""
    from catalog.services import can_keep

    try:
        resource = DataResource.objects.visible_to(user).select_related("unit", "category").get(pk=pk)
    except DataResource.DoesNotExist:
        raise Http404("数据资源不存在") from None
    if write and not can_keep(user, resource.unit):
        raise Http404("数据资源不存在")
    return resource


def get_system_for_user(user: User, pk: int, *, write: bool = False) -> InformationSystem:
    from catalog.services import can_keep

    try:
        system = InformationSystem.objects.visible_to(user).select_related("unit").get(pk=pk)
    except InformationSystem.DoesNotExist:
        raise Http404("信息系统不存在") from None
    if write and not can_keep(user, system.unit):
        raise Http404("信息系统不存在")
    return system


def get_demand_for_user(user: User, pk: int) -> Demand:
    """The requester, the provider and county-wide roles see a demand; others get 404."""
    try:
        return Demand.objects.visible_to(user).select_related("requester", "provider", "resource").get(pk=pk)
    except Demand.DoesNotExist:
        raise Http404("数据需求不存在") from None


def sharing_entries_for_user(user: User) -> QuerySet[SharingEntry]:
    """共享清单 lines: the providing unit, the consuming unit and county-wide roles see a line."""
    entries = SharingEntry.objects.all()
    if user.is_county_wide:
        return entries
    if user.unit_id is None:
        return entries.none()
    return entries.filter(Q(resource__unit_id=user.unit_id) | Q(consumer_id=user.unit_id))
