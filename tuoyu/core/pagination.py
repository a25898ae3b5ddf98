"""Pagination for every list the API returns: limit/offset with hard bounds, so no input can overflow SQL."""

from django.conf import settings
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

# A bigger offset is never a real request; unbounded, it overflows SQLite's and PostgreSQL's integers.
MAX_OFFSET = 1_000_000_000


class LimitOffset(LimitOffsetPagination):
    """``?limit=`` (1…API_MAX_PAGE_SIZE, else 422) and ``?offset=`` (0…MAX_OFFSET); lists are ordered stably."""

    class Input(Schema):
        limit: int = Field(settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=settings.API_MAX_PAGE_SIZE)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(max_limit=settings.API_MAX_PAGE_SIZE, **kwargs)
