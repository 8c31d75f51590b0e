"""The drill-down loads one series instead of the whole family: it must be the series the scan saw
(same time index, same values, same shares) and get the band the whole family's scan gave it."""
from __future__ import annotations

import numpy as np
import pytest

from anomaly.scan import calendar_masks, family_settings, family_verdicts
from anomaly.series import load_families, load_series
from anomaly.settings import settings_from_config
from core.config import load_config
from core.warehouse import connect_read, writing
from tests.anomaly_fixtures import daily_mix_and_frt_tickets, insert_frame

SCANNED = ("counts_hourly", "counts_daily", "counts_daily_language", "counts_daily_vendor", "share_daily",
           "frt_p90_daily")


@pytest.fixture(scope="module")
def families(tmp_path_factory):
    root = tmp_path_factory.mktemp("series")
    cfg = root / "safetyops.toml"
    cfg.write_text('[warehouse]\npath = "w.duckdb"\n[reporting]\ntimezone = "UTC"\n', encoding="utf-8")
    config = load_config(cfg)
    with writing(config.db_path, fresh=True) as con:
        insert_frame(con, daily_mix_and_frt_tickets())
    con = connect_read(config.db_path)
    yield con, config, {f.name: f for f in load_families(con, config)}
    con.close()


def _verdicts(family, config):
    return family_verdicts(family, family_settings(family, settings_from_config(config)),
                           calendar_masks(family, []), share_units=True)


@pytest.mark.parametrize("name", SCANNED)
def test_one_series_is_the_family_column_with_its_band(families, name):
    con, config, by_name = families
    family = by_name[name]
    whole = _verdicts(family, config)
    for col in range(0, len(family.keys), max(1, len(family.keys) // 4)):   # a spread of series
        one = load_series(con, config, name, family.keys[col])
        assert one is not None and one.keys == [family.keys[col]]
        assert one.index.equals(family.index)
        np.testing.assert_allclose(one.values[:, 0], family.values[:, col])
        alone = _verdicts(one, config)
        np.testing.assert_allclose(alone.expected[:, 0], whole.expected[:, col], rtol=1e-9)
        np.testing.assert_allclose(alone.upper[:, 0], whole.upper[:, col], rtol=1e-9)
        assert (alone.is_anomaly[:, 0] == whole.is_anomaly[:, col]).all()


@pytest.mark.parametrize("name, key", [
    ("counts_daily", {"abuse_category": "no_such_category", "region": "BR"}),
    ("counts_daily", {"region": "BR"}),                       # a key of the wrong dimensions
    ("mix_daily", {"region": "BR"}),                          # mix alerts have no single series
    ("no_such_family", {"region": "BR"}),
])
def test_a_series_the_scan_never_had_is_none(families, name, key):
    con, config, _ = families
    assert load_series(con, config, name, key) is None
