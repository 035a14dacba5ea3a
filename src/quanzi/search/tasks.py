"""Search's sweep: sales counts from the catalog into the index (paid orders publish no catalog event)."""

from __future__ import annotations

from quanzi.core.sweeps import sweeps


@sweeps.register(key="search_sales_refresh")
def search_sales_refresh() -> int:
    from quanzi.search.services import sales_refresh

    return sales_refresh()
