"""Group names as real rosters write them ("第1村民小组") must not come out as "第1村民小组组"."""

import pytest

from fieldkit.app.components.common import group_label, short_group
from fieldkit.i18n import set_language


@pytest.mark.parametrize(
    "group,short,zh,en",
    [
        ("第1村民小组", "1", "1组", "Group 1"),
        ("1", "1", "1组", "Group 1"),
        ("3组", "3", "3组", "Group 3"),
        ("第12小组", "12", "12组", "Group 12"),
        ("东山组", "东山组", "东山组", "东山组"),
    ],
)
def test_group_labels(group, short, zh, en):
    assert short_group(group) == short
    assert group_label(group) == zh
    set_language("en")
    assert group_label(group) == en
