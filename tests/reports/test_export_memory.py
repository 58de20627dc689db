"""An export's memory stays flat however long the list: 200,000 community activities are streamed
as CSV while Python's peak allocation stays under a fixed bound, in a fixed number of queries."""

import time
import tracemalloc

import pytest
from django.db import connection
from django.urls import reverse

from casework.models import CommunityActivity

ROWS = 200_000
PEAK_BOUND = 50 * 1024 * 1024  # bytes of Python allocation, whatever the number of rows


@pytest.fixture
def many_activities(network, station_manager):
    if connection.vendor != "postgresql":
        pytest.skip("200,000 rows are made with generate_series, which needs PostgreSQL")
    table = CommunityActivity._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table}
                (theme, held_on, community_id, station_id, partners, participants, summary, organizer_id,
                 created_at, updated_at)
            SELECT '邻里守望 ' || n, DATE '2024-01-01' + (n %% 365), %s, %s, '社区居委会', n %% 90 + 1, '',
                   %s, now(), now()
            FROM generate_series(1, %s) AS n
            """,
            [network.community_a.pk, network.station_a.pk, station_manager.pk, ROWS],
        )
    return ROWS


def test_a_csv_export_of_200000_rows_streams_in_bounded_memory_and_queries(
    as_user, many_activities, station_manager, settings, django_assert_max_num_queries
):
    settings.EXPORT_INLINE_LIMIT = ROWS  # exported during the request, not in the background
    client = as_user(station_manager)
    started = time.monotonic()
    tracemalloc.start()
    try:
        with django_assert_max_num_queries(10):
            response = client.get(reverse("reports:export", args=["activities", "csv"]))
            lines = size = 0
            for chunk in response.streaming_content:
                lines += chunk.count(b"\n")
                size += len(chunk)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    elapsed = time.monotonic() - started

    assert response.status_code == 200
    assert lines == ROWS + 1  # the header and every row
    assert size > ROWS * 20
    assert peak < PEAK_BOUND, f"peak Python allocation {peak / 2**20:.1f} MB"
    print(f"\n{ROWS} rows, {size / 2**20:.1f} MB of CSV, peak {peak / 2**20:.1f} MB, {elapsed:.1f} s")
