"""The filter bar's URL form: every filter set survives a trip through the query string."""
from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from dashboards.filters import FILTER_DIMS, Filters, merge_search, page_params

values = st.text(min_size=1, max_size=12).filter(lambda s: s.strip() == s and s != "")
value_sets = st.lists(values, max_size=4).map(lambda xs: tuple(sorted(set(xs))))
dates = st.one_of(st.none(), st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 1, 1)))


@st.composite
def filter_sets(draw):
    return Filters(date_from=draw(dates), date_to=draw(dates),
                   high_profile=draw(st.sampled_from([None, True, False])),
                   **{d: draw(value_sets) for d in FILTER_DIMS})


@settings(max_examples=300, deadline=None)
@given(filter_sets())
def test_url_round_trip(f):
    assert Filters.from_search(f.to_search()) == f


@settings(max_examples=200, deadline=None)
@given(filter_sets(), st.dictionaries(st.sampled_from(["status", "by", "severity"]), values, max_size=2))
def test_page_keys_survive_a_filter_change(f, own):
    from urllib.parse import urlencode
    start = "?" + urlencode(list(own.items())) if own else ""
    merged = merge_search(start, f)
    assert Filters.from_search(merged) == f
    assert page_params(merged) == own


@settings(max_examples=200, deadline=None)
@given(filter_sets())
def test_dash_parsed_query_gives_the_same_filters(f):
    """Dash hands layout(**query) single values as str and repeated keys as lists."""
    from dash._pages import _parse_query_string
    assert Filters.from_mapping(_parse_query_string(f.to_search())) == f


def test_readable_url():
    f = Filters(date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 7), region=("US", "BR"),
                high_profile=True)
    assert f.region == ("BR", "US")
    assert f.to_search() == "?from=2026-03-01&to=2026-03-07&region=BR&region=US&high_profile=true"
    assert Filters().to_search() == ""


def test_bad_values_in_a_hand_edited_link_fall_back():
    f = Filters.from_search("?from=yesterday&to=2026-13-01&high_profile=maybe&region=")
    assert f == Filters()


def test_metric_filters_form():
    f = Filters(region=("BR",), vendor=("acme", "globex"), high_profile=False)
    assert f.metric_filters() == (("region", ("BR",)), ("vendor", ("acme", "globex")),
                                  ("high_profile", ("false",)))


def test_default_window_is_28_days_to_as_of():
    assert Filters().resolved_range(dt.date(2026, 3, 28)) == (dt.date(2026, 3, 1), dt.date(2026, 3, 28))
    f = Filters(date_from=dt.date(2026, 3, 10), date_to=dt.date(2026, 3, 1))
    assert f.resolved_range(None) == (dt.date(2026, 3, 1), dt.date(2026, 3, 10))


@settings(max_examples=200, deadline=None)
@given(filter_sets(), st.sampled_from(["", "?status=new", "?by=vendor&severity=high"]))
def test_filter_bar_and_url_round_trip(f, own):
    """Controls showing a URL write back the same URL; the URL read into controls gives them back."""
    from dashboards.callbacks.filter_sync import controls_from_url, url_from_controls
    window = (dt.date(2026, 3, 1), dt.date(2026, 3, 28))
    pinned = f.with_values(date_from=f.date_from or window[0], date_to=f.date_to or window[1]) \
        if (f.date_from or f.date_to) else f.with_values(date_from=window[0], date_to=window[1])
    lo, hi = sorted((pinned.date_from, pinned.date_to))
    pinned = pinned.with_values(date_from=lo, date_to=hi)
    url = merge_search(own, pinned)
    controls = controls_from_url(url, window)
    assert Filters.from_search(url_from_controls(url, controls)) == pinned
    assert page_params(url_from_controls(url, controls)) == page_params(own)
