"""The demo district's records are bulk-created (no save signals): index them once, last
(last in ``district.HISTORY_MODULES``)."""

from __future__ import annotations

from rapport.demo.district import DemoDistrict, history_builder
from rapport.search.index import rebuild


@history_builder
def index_the_demo(demo: DemoDistrict, years: int) -> None:
    rebuild()
