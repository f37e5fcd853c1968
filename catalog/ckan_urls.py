"""Open interfaces under /api/3/: the CKAN Action API subset and the DCAT-AP 3 export (open resources only).

- ``/api/3/action/<name>`` (also ``/api/action/<name>``, the unversioned path ``ckanapi`` calls)
- ``/api/3/catalog.ttl``, ``/api/3/catalog.jsonld``: the whole open catalog as DCAT-AP 3
- ``/api/3/dataset/<name>`` (Turtle, or JSON-LD when asked), ``.ttl``, ``.jsonld``: one dataset
- ``/api/3/schema/<name>.json``: the open 信息项 of a dataset as a Frictionless Table Schema
  (the dataset's ``dct:conformsTo``)
"""

from django.urls import path, re_path

from catalog import ckan, dcat_views

app_name = "ckan"
urlpatterns = [
    path("", ckan.api_version, name="version"),
    path("action/<str:name>", ckan.action_view, name="action"),
    re_path(r"^catalog\.(?P<fmt>ttl|jsonld)$", dcat_views.catalog_export, name="catalog"),
    re_path(r"^dataset/(?P<name>[a-z0-9_-]+)\.(?P<fmt>ttl|jsonld)$", dcat_views.dataset_export,
            name="dataset_export"),
    re_path(r"^dataset/(?P<name>[a-z0-9_-]+)$", dcat_views.dataset_export, name="dataset"),
    re_path(r"^schema/(?P<name>[a-z0-9_-]+)\.json$", dcat_views.table_schema, name="schema"),
]

# CKAN answers the Action API without the version too; ckanapi's RemoteCKAN calls /api/action/<name>.
unversioned_urlpatterns = [
    path("action/<str:name>", ckan.action_view, name="ckan_action_unversioned"),
]
