"""Reading the answer of `POST /store/products/batch_update_by_sku/`.

Per-item results are undocumented (mozello-store-api.md §2.3). The reader takes what any
plausible answer says about single SKUs and nothing more: a list of items under `products` or
`results` whose `error` is true (or whose `updated`/`success` is false), and a `not_found` list
of SKUs. An answer that names no SKU (`{"error": false}`) means every SKU was taken.
"""

from __future__ import annotations

from typing import Any

NOT_FOUND = "Mozello has no product or variant with this SKU"


def batch_failures(answer: Any) -> list[tuple[str, str]]:
    """(sku, Mozello's reason) for every SKU the answer says was not updated."""
    if not isinstance(answer, dict):
        return []
    failed: list[tuple[str, str]] = []
    for key in ("products", "results", "items"):
        rows = answer.get(key)
        if isinstance(rows, list):
            failed += [row_failure for row in rows if (row_failure := _failure(row))]
    for sku in answer.get("not_found") or []:
        failed.append((str(sku), NOT_FOUND))
    return failed


def _failure(row: Any) -> tuple[str, str] | None:
    if not isinstance(row, dict) or not row.get("sku"):
        return None
    refused = bool(row.get("error")) or row.get("updated") is False or row.get("success") is False
    if not refused:
        return None
    reason = row.get("error_message") or row.get("message") or "not updated"
    return str(row["sku"]), str(reason)
