"""The Channels pages' labels and messages kept in tables (platforms, fields, statuses, the services'
messages as people read them) exist in French and German, like every literal console string."""

from __future__ import annotations

import pytest

from functions.console.pages import channels
from tests.unit.console.test_translations import _catalogue


def _texts() -> set[str]:
    return {
        *channels.PLATFORM_LABELS.values(),
        *channels.FIELD_LABELS.values(),
        *channels.FIELD_HINTS.values(),
        *channels.SYNC_STATUS_LABELS.values(),
        *channels.RECORD_STATUS_LABELS.values(),
        *(label for _, label in channels.OWNED_FIELDS),
        *channels.CONFLICT_REASONS.values(),
        *channels.MESSAGES.values(),
        *channels.OTHER_TEXTS,
    }


@pytest.mark.parametrize("lang", ["fr", "de"])
def test_every_channels_label_is_translated(lang: str) -> None:
    missing = sorted(text for text in _texts() if text not in _catalogue(lang))
    assert not missing, f"{lang} lacks: {missing}"
