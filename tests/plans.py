"""How PostgreSQL would run a query on a province's data, asked of a test's few rows.

On a few rows the planner's choice says nothing: it reads the whole table. So a query is planned
with only the indexes under test left on its table (the others dropped inside a savepoint, rolled
back) and the whole table kept from it (sequential and bitmap scans off): it reads those indexes
only if their shape lets it.
"""

from django.db import connection, transaction


def plan_with_only(indexes: list[str], sql: str, *, table: str = "casework_case", sorts: bool = True) -> str:
    """The plan of `sql` with `indexes` the only indexes of `table` besides those of its unique
    constraints, and no sequential or bitmap scan (nor sort, unless `sorts`: a few rows are
    sorted cheaply, a province's are not): dropped and set in a savepoint that is rolled back
    (SET LOCAL is undone with it)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = %s::regclass "
            "AND NOT indisunique AND NOT (indexrelid::regclass::text = ANY(%s))",
            [table, indexes],
        )
        for (other,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{other}"')
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        if not sorts:
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("SET LOCAL enable_incremental_sort = off")
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)
    return plan
