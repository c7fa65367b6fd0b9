"""Read the legacy PostgreSQL database: connect, check its schema, stream one table at a time.

The whole run reads from one REPEATABLE READ, read-only snapshot, so a legacy app still writing
during the import cannot give us a work order whose lines were read at another moment.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
from psycopg.rows import dict_row

from core.errors import DomainError


class LegacySourceError(DomainError):
    """The legacy database cannot be read as expected (unreachable, wrong schema, missing table)."""


@dataclass(frozen=True)
class LegacyTable:
    name: str
    columns: tuple[str, ...]
    order_by: str
    key: str  # the column that names a row in the report

    @property
    def sql(self) -> str:
        columns = ", ".join(f'"{column}" AS {alias(column)}' for column in self.columns)
        return f'SELECT {columns} FROM "{self.name}" ORDER BY {self.order_by}'


def alias(column: str) -> str:
    """``"QUOTE  BY"`` → ``quote_by``, ``"RACK#"`` → ``rack``."""
    return re.sub(r"\W+", "_", column.lower()).strip("_")


def _table(name: str, columns: str, order_by: str, key: str) -> LegacyTable:
    return LegacyTable(name, tuple(column.strip() for column in columns.split(",")), order_by, key)


ITEM_COLUMNS = "description, material, qty, condition, color, sizewgt, price, inventory_key"
FILE_COLUMNS = "filename, file_path, uploaded_at, thumbnail_path"

# Parents first: a row's foreign keys point at rows already imported.
TABLES: dict[str, LegacyTable] = {
    t.name: t
    for t in (
        _table("tblsource", "ssource, sourceaddress, sourcecity, sourcestate, sourcezip, sourcephone, "
               "sourcefax, sourceemail", "ssource", "ssource"),
        _table("tblcustomers", "custid, name, contact, address, address2, city, state, zipcode, homephone, "
               "workphone, cellphone, emailaddress, mailaddress, mailcity, mailstate, mailzip, sourceold, source",
               "custid", "custid"),
        _table("tblcustawngs", "inventorykey, custid, description, material, condition, color, sizewgt, price, "
               "qty, created_at", "length(inventorykey), inventorykey", "inventorykey"),
        _table("tblcustworkorderdetail", "workorderno, custid, woname, storage, storagetime, rack_number, "
               "specialinstructions, repairsneeded, returnstatus, returnto, datein, daterequired, clean, treat, "
               "datecompleted, quote, rushorder, firmrush, iscushion, seerepair, shipto, cleanfirstwo, "
               "queueposition, processingstatus, finallocation, created_at, updated_at", "workorderno",
               "workorderno"),
        _table("tblorddetcustawngs", f"id, workorderno, {ITEM_COLUMNS}", "workorderno, id", "id"),
        _table("tblworkorderfiles", f"id, workorderno, {FILE_COLUMNS}", "workorderno, id", "id"),
        _table("tblrepairworkorderdetail", "repairorderno, custid, roname, source, WO DATE, DATE TO SUB, "
               "daterequired, datecompleted, returndate, dateout, datein, rushorder, firmrush, clean, cleanfirst, "
               "quote, approved, QUOTE  BY, RACK#, storage, location, finallocation, ITEM TYPE, TYPE OF REPAIR, "
               "specialinstructions, seeclean, repairsdoneby, materiallist, customerprice, returnstatus, returnto, "
               "created_at, updated_at", "repairorderno", "repairorderno"),
        _table("tblreporddetcustawngs", f"id, repairorderno, {ITEM_COLUMNS}", "repairorderno, id", "id"),
        _table("tblrepairorderfiles", f"id, repairorderno, {FILE_COLUMNS}", "repairorderno, id", "id"),
        _table("tblcheckins", "checkinid, custid, datein, status, workorderno, specialinstructions, storagetime, "
               "rack_number, returnto, daterequired, repairsneeded, rushorder, created_at, updated_at",
               "checkinid", "checkinid"),
        _table("tblcheckinitems", "id, checkinid, description, material, color, qty, sizewgt, price, condition, "
               "inventorykey", "checkinid, id", "id"),
        _table("tblcheckinfiles", "id, checkinid, file_name, file_path, file_size, file_type, uploaded_at",
               "checkinid, id", "id"),
        _table("user", "id, username, email, password_hash, role", "id", "id"),
        _table("invite_tokens", "id, token, role, created_at, used", "id", "id"),
        _table("email_reminders", "id, custid, email_address, date_sent, message_id, status, error_message, "
               "last_work_order_date", "id", "id"),
    )
}


class LegacySource:
    def __init__(self, dsn: str):
        try:
            self.connection = psycopg.connect(dsn, connect_timeout=10, row_factory=dict_row)
        except psycopg.Error as error:
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise LegacySourceError(f"Cannot connect to the legacy database: {first_line}") from error
        self.connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        self.connection.read_only = True

    def close(self) -> None:
        self.connection.close()

    def check_schema(self, tables: list[str]) -> None:
        """Refuse before anything is written when a table or column we read is missing."""
        rows = self.connection.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = ANY(%s)",
            [tables],
        ).fetchall()
        present: dict[str, set[str]] = {}
        for row in rows:
            present.setdefault(row["table_name"], set()).add(row["column_name"])
        missing_tables = [name for name in tables if name not in present]
        if missing_tables:
            raise LegacySourceError(
                f"Not a legacy database: table(s) {', '.join(missing_tables)} missing from "
                f"schema {self._schema()}."
            )
        for name in tables:
            lacking = [column for column in TABLES[name].columns if column not in present[name]]
            if lacking:
                raise LegacySourceError(f"Legacy table {name} lacks column(s): {', '.join(lacking)}.")

    def _schema(self) -> str:
        return self.connection.execute("SELECT current_schema() AS s").fetchone()["s"]

    def count(self, table: str) -> int:
        return self.connection.execute(f'SELECT count(*) AS n FROM "{table}"').fetchone()["n"]

    def numbers(self, table: str, column: str) -> set[str]:
        rows = self.connection.execute(f'SELECT "{column}" AS v FROM "{table}"').fetchall()
        return {row["v"] for row in rows}

    def pairs(self, table: str, key: str, link: str) -> list[tuple]:
        """(key, link) of the rows whose soft-link column holds something."""
        rows = self.connection.execute(
            f'SELECT "{key}" AS k, "{link}" AS v FROM "{table}" WHERE btrim(coalesce("{link}", \'\')) <> \'\''
        ).fetchall()
        return [(row["k"], row["v"]) for row in rows]

    def rows(self, table: str, batch_size: int) -> Iterator[dict]:
        """Stream the table through a server-side cursor: memory stays flat at any size."""
        spec = TABLES[table]
        try:
            with self.connection.cursor(name=f"import_{table}") as cursor:
                cursor.itersize = batch_size
                cursor.execute(spec.sql)
                yield from cursor
        except psycopg.Error as error:
            raise LegacySourceError(f"Reading legacy table {table} failed: {str(error).strip()}") from error
