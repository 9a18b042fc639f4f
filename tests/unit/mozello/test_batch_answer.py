"""Reading batch_update_by_sku's answer: per-item results are undocumented, so every plausible
form naming a SKU is read, and an answer naming none means all were taken."""

import pytest

from adapters.mozello.batch_answer import NOT_FOUND, batch_failures


@pytest.mark.parametrize(
    "answer, failed",
    [
        ({"error": False}, []),
        ({"error": False, "products": [{"sku": "A", "error": False},
                                       {"sku": "B", "error": True, "error_message": "no such SKU"}]},
         [("B", "no such SKU")]),
        ({"results": [{"sku": "C", "updated": False}]}, [("C", "not updated")]),
        ({"not_found": ["D"]}, [("D", NOT_FOUND)]),
        ([], []),
    ],
    ids=["bare", "products rows", "results rows", "not_found list", "not an object"],
)
def test_only_skus_the_answer_names_as_refused_are_failures(answer, failed):
    assert batch_failures(answer) == failed
