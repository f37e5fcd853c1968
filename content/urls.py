"""先审后发 pages (login) and the public feeds and published items (no login)."""

from django.urls import path

from content import admin_views, channel_views, views

app_name = "content"
urlpatterns = [
    path("", views.item_list, name="item_list"),
    path("new/", views.item_create, name="item_create"),
    path("<int:pk>/", views.item_detail, name="item_detail"),
    path("<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("<int:pk>/submit/", views.item_submit, name="item_submit"),
    path("<int:pk>/review/", views.item_review, name="item_review"),
    path("<int:pk>/publish/", views.item_publish, name="item_publish"),
    path("<int:pk>/withdraw/", views.item_withdraw, name="item_withdraw"),
    path("<int:pk>/findings/<int:finding_pk>/dismiss/", views.finding_dismiss, name="finding_dismiss"),
    path("<int:pk>/diff/", views.item_diff, name="item_diff"),
    path("<int:pk>/slip.<str:fmt>", views.item_slip, name="item_slip"),
    path("<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment_file, name="attachment"),
    path("<int:pk>/attachments/<int:attachment_pk>/delete/", views.attachment_remove, name="attachment_remove"),
    path("dashboard/", admin_views.dashboard, name="dashboard"),
    path("dictionaries/", admin_views.dictionary_list, name="dictionary_list"),
    path("dictionaries/new/", admin_views.dictionary_edit, name="dictionary_create"),
    path("dictionaries/<int:pk>/", admin_views.dictionary_edit, name="dictionary_edit"),
    path("dictionaries/<int:pk>/delete/", admin_views.dictionary_delete, name="dictionary_delete"),
    path("check/", admin_views.check_page, name="check"),
    path("channels/", channel_views.channel_list, name="channel_list"),
    path("channels/new/", channel_views.channel_edit, name="channel_create"),
    path("channels/<int:pk>/", channel_views.channel_edit, name="channel_edit"),
    path("channels/<int:pk>/webhooks/", channel_views.webhook_add, name="webhook_add"),
    path("channels/<int:pk>/webhooks/<int:hook_pk>/delete/", channel_views.webhook_remove, name="webhook_remove"),
    path("feeds/<slug:slug>/rss.xml", views.feed_rss, name="feed_rss"),
    path("feeds/<slug:slug>/atom.xml", views.feed_atom, name="feed_atom"),
    path("feeds/<slug:slug>/feed.json", views.feed_json, name="feed_json"),
    path("p/<int:pk>/", views.public_item, name="public_item"),
    path("p/<int:pk>/attachments/<int:attachment_pk>/", views.public_attachment, name="public_attachment"),
]
