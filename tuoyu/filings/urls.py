from django.urls import path

from tuoyu.filings import views

app_name = "filings"
mount = "filings/"  # where tuoyu/urls.py includes these (core.registry.url_modules)
urlpatterns = [
    path("", views.filing_list, name="list"),
    path("start/", views.filing_start, name="start"),
    path("review/", views.review_queue, name="review"),
    path("<int:filing_id>/", views.filing_detail, name="detail"),
    path("<int:filing_id>/materials/", views.filing_attach, name="attach"),
    path("<int:filing_id>/materials/<int:material_id>/", views.material_download, name="material"),
    path("<int:filing_id>/submit/", views.filing_transition, {"action": "submit"}, name="submit"),
    path("<int:filing_id>/withdraw/", views.filing_transition, {"action": "withdraw"}, name="withdraw"),
    path("<int:filing_id>/accept/", views.filing_transition, {"action": "accept"}, name="accept"),
    path("<int:filing_id>/return/", views.filing_transition, {"action": "return"}, name="return"),
    path("<int:filing_id>/receipt.pdf", views.filing_receipt, name="receipt"),
    path("<int:filing_id>/changes/", views.filing_changes, name="changes"),
    path("<int:filing_id>/form/", views.filing_form, name="form"),
    path("cancel/<int:institution_id>/", views.filing_cancel, name="cancel"),
    path("notices/", views.notice_list, name="notices"),
    path("notices/new/<int:institution_id>/", views.notice_new, name="notice_new"),
    path("notices/<int:notice_id>/", views.notice_detail, name="notice"),
    path("notices/<int:notice_id>/publish/", views.notice_publish, name="notice_publish"),
    path("notices/<int:notice_id>/respond/", views.notice_respond, name="notice_respond"),
    path("notices/<int:notice_id>/close/", views.notice_close, name="notice_close"),
]

# The public verification of a receipt (its QR code points here).
root_urlpatterns = [path("verify/<str:number>/", views.filing_verify, name="filing_verify")]
