from django.urls import path

from tuoyu.filings import views

app_name = "filings"
urlpatterns = [
    path("", views.filing_list, name="list"),
    path("start/", views.filing_start, name="start"),
    path("review/", views.review_queue, name="review"),
    path("<int:filing_id>/", views.filing_detail, name="detail"),
    path("<int:filing_id>/materials/", views.filing_attach, name="attach"),
    path("<int:filing_id>/materials/<int:material_id>/", views.material_download, name="material"),
    path("<int:filing_id>/submit/", views.filing_submit, name="submit"),
    path("<int:filing_id>/withdraw/", views.filing_withdraw, name="withdraw"),
    path("<int:filing_id>/accept/", views.filing_accept, name="accept"),
    path("<int:filing_id>/return/", views.filing_return, name="return"),
    path("<int:filing_id>/receipt.pdf", views.filing_receipt, name="receipt"),
]
