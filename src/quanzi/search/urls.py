from django.urls import path

from quanzi.search import views

app_name = "search"
urlpatterns = [
    path("search/suggest/", views.suggestions, name="suggest"),  # HTMX: the list under the search box
    path("merchant/search/synonyms/", views.merchant_synonyms, name="merchant_synonyms"),
    path("merchant/search/synonyms/<int:synonym_id>/delete/", views.merchant_synonym_delete,
         name="merchant_synonym_delete"),
    path("ops/search/", views.ops, name="ops"),  # the operator's page (staff)
]
