"""tuoyu's URLs and, under /bench/minimal/, the two minimal pages."""

from django.urls import path

from bench.minimal import views
from tuoyu.urls import handler400, handler403, handler404, handler500
from tuoyu.urls import urlpatterns as tuoyu_urlpatterns

urlpatterns = [
    path("bench/minimal/public/", views.minimal_public, name="bench_minimal_public"),
    path("bench/minimal/signed-in/", views.minimal_signed_in, name="bench_minimal_signed_in"),
    *tuoyu_urlpatterns,
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
