from django.urls import path

from . import views

app_name = "content"
urlpatterns = [
    path("n/<id:note_id>/", views.note, name="note"),
    path("notes/new/", views.note_new, name="note_new"),
    path("n/<id:note_id>/edit/", views.note_edit, name="note_edit"),
    path("t/<str:name>/", views.topic, name="topic"),
    path("n/<id:note_id>/like/", views.like_toggle, name="like_toggle"),
    path("n/<id:note_id>/favourite/", views.favourite_toggle, name="favourite_toggle"),
    path("n/<id:note_id>/comments/", views.comment_create, name="comment_create"),
    path("comments/<id:comment_id>/delete/", views.comment_delete, name="comment_delete"),
    path("n/<id:note_id>/report/", views.report, name="report"),
    path("n/<id:note_id>/share/", views.share, name="share"),
    path("me/collections/", views.collections, name="collections"),
    path("me/collections/<id:collection_id>/", views.collection, name="collection"),
]
