"""The file cache's folder holds cache entries only: the warm-up's lock and marker live beside it,
so pruning (past the entry threshold) reads every file there as an entry without a traceback."""
from __future__ import annotations

import logging
import os
import pickle
import struct

from dashboards.app import create_app
from dashboards.filters import Filters
from dashboards.state import current_state
from dashboards.warmup import _run, warmup_folder
from tests.dashboard_fixtures import config_for, sample_rows, write_warehouse


def test_warm_up_files_stay_out_of_the_cache_folder_and_pruning_is_quiet(tmp_path, caplog):
    cfg = config_for(tmp_path)
    write_warehouse(cfg.db_path, sample_rows(days=10))
    app = create_app(cfg)
    with app.server.app_context():
        state = current_state()
        version = state.data.version_key()
        _run(app.server, state, version)                       # the warm-up, in this thread
        assert (warmup_folder(cfg) / "warmed-version").read_text(encoding="utf-8") == version
        assert (warmup_folder(cfg) / "warm.lock").exists()
        backend = state.data.cache.cache
        folder = cfg.dashboard_cache_dir
        entries = [f for f in os.listdir(folder) if not backend._is_mgmt(f)]
        assert entries, "the warm-up filled the cache"
        for name in entries:                                   # each one a cachelib entry
            with open(folder / name, "rb") as fh:
                struct.unpack("I", fh.read(4))
                pickle.load(fh)
        backend._threshold = 3                                 # the next write prunes
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            state.data.read("series", "inflow", Filters(region=("BR",)))
        assert [r for r in caplog.records if "cache file" in r.getMessage()] == []
        assert (warmup_folder(cfg) / "warmed-version").exists()   # pruning never takes the marker
