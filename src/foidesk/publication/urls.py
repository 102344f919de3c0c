from django.urls import path

from foidesk.publication import views

app_name = "publication"

urlpatterns = [
    path("disclosure-log/", views.disclosure_log, name="log"),
    path("disclosure-log/feed.atom", views.feed, name="feed"),
    path("disclosure-log.csv", views.export_csv, name="csv"),
    path("disclosure-log.json", views.export_json, name="json"),
    path("disclosure-log/<str:reference>/", views.entry, name="entry"),
    path("disclosure-log/<str:reference>/files/<str:filename>", views.released_file, name="file"),
    path("staff/requests/<str:reference>/publish/", views.publish, name="publish"),
    path("staff/requests/<str:reference>/unpublish/", views.unpublish, name="unpublish"),
]
