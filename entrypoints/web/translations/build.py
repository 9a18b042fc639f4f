"""Write the Latvian catalogue (.po and the compiled .mo) from messages.pot and lv_terms.LV.

Run after `pybabel extract -F babel.cfg -k _l --no-location --omit-header
-o entrypoints/web/translations/messages.pot .`; a unit test checks that the committed
catalogue is complete and compiled."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from entrypoints.web.translations.lv_terms import LV

HERE = Path(__file__).resolve().parent


def build() -> list[str]:
    """The msgids left untranslated (empty when the catalogue is complete)."""
    with open(HERE / "messages.pot", "rb") as pot:
        template = read_po(pot)
    fixed = datetime(2026, 12, 1, tzinfo=UTC)  # the same bytes for the same texts
    catalog = Catalog(locale="lv", domain="messages", project="sales-inbox",
                      creation_date=fixed, revision_date=fixed)
    missing = []
    for message in template:
        if not message.id:
            continue
        if message.id not in LV:
            missing.append(message.id)
        catalog.add(message.id, LV.get(message.id, ""))
    out = HERE / "lv" / "LC_MESSAGES"
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "messages.po", "wb") as po:
        write_po(po, catalog, omit_header=False, width=100)
    with open(out / "messages.mo", "wb") as mo:
        write_mo(mo, catalog)
    return missing


if __name__ == "__main__":
    left = build()
    print("untranslated:", *left, sep="\n  ") if left else print("catalogue complete")
