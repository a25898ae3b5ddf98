"""The permission-matrix rows of the workbench (工作台): each role's home page (tuoyu/workbench/urls.py).

Each row: the endpoint as urls.py or the API spells it → the check that proves who may use it
(the engine, and how a row is written: tuoyu/testing/matrix.py).
"""

from __future__ import annotations

from tuoyu.testing.matrix import (
    Check,
    SignedInSelf,
)

ROWS: dict[str, Check] = {
    # the home page: anyone signed in, their own
    "": SignedInSelf("/"),
}
