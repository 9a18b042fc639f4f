"""The Latvian catalogue a fresh clone ships is complete and compiled: every string the
console's code and templates mark for translation has its Latvian text in the .mo file."""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from entrypoints.web.translations.lv_terms import LV

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[3]
TRANSLATIONS = ROOT / "entrypoints" / "web" / "translations"


def marked_strings() -> set[str]:
    method_map = [("entrypoints/web/**.py", "python"),
                  ("entrypoints/web/templates/**.html", "jinja2")]
    found = extract_from_dir(ROOT, method_map, keywords={"_": None, "gettext": None, "_l": None})
    return {message for _file, _line, message, _comments, _context in found
            if isinstance(message, str)}


def test_every_marked_string_has_latvian_text_in_the_compiled_catalogue():
    catalogue = gettext.GNUTranslations(open(TRANSLATIONS / "lv/LC_MESSAGES/messages.mo", "rb"))
    missing = sorted(s for s in marked_strings() if catalogue.gettext(s) == s and s not in
                     ("PayPal",))
    assert missing == [], "run the extract + `python -m entrypoints.web.translations.build`"
    assert all(catalogue.gettext(s) == LV[s] for s in marked_strings() if s in LV)
