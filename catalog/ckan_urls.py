"""CKAN Action API subset under /api/3/action/ (open resources only)."""

urlpatterns: list = []
