"""A small legacy database with at least one row of every quirk the importer must handle.

The facts (column meanings, quirk spellings, hash formats) come from the legacy system; the rows
are chosen by hand so that each test can name the row it looks at. ``FACTS`` lists what a correct
import must produce for them.
"""

import datetime
import functools
import hashlib
from pathlib import Path

SCHEMA = Path(__file__).with_name("legacy_schema.sql")
MIGRATED = datetime.datetime(2025, 9, 14, 2, 17, 41)  # the Access → PostgreSQL migration
D = datetime.date

PASSWORDS = {"admin": "admin-legacy-pw", "office": "office-legacy-pw", "marco": "marco-legacy-pw",
             "scrypt_user": "scrypt-legacy-pw", "cleaning1": "cleaning1-legacy-pw"}


def pbkdf2_hash(password: str, salt: str, iterations: int = 1000) -> str:
    """Werkzeug's format (the legacy app used 600000 iterations; fewer keep the tests fast)."""
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), iterations).hex()
    return f"pbkdf2:sha256:{iterations}${salt}${digest}"


def scrypt_hash(password: str, salt: str) -> str:
    n, r, p = 32768, 8, 1
    digest = hashlib.scrypt(password.encode(), salt=salt.encode(), n=n, r=r, p=p, maxmem=132 * n * r * p).hex()
    return f"scrypt:{n}:{r}:{p}${salt}${digest}"


SOURCES = [
    # ssource, address, city, state, zip, phone, fax, email
    ("Doyle Milford", "12 Harbor Rd", "Milford", "ct", "6460", "2035551234.0", None,
     "loft@doyle.com#mailto:loft@doyle.com#"),
    ("JOHNSON MARINE", None, None, None, None, None, None, None),  # skeleton row from the migration
    ("Customer", None, None, None, None, None, None, None),
    ("Pick Up", None, None, None, None, None, None, None),
]

CUSTOMERS = [
    # custid, name, city, state, zipcode, homephone, workphone, cellphone, email, sourceold, source
    ("1", "Ann Smith", "Milford", "ct", "6443", "(203) 555-0001", "12035550002", "2035551234.0",
     "ann@x.com#mailto:ann@x.com#", "walk in", "Doyle Milford"),
    ("2", "Bob Jones", "Guilford", "CT", "06437-1234", "203-555-1111", None, None, "bob@x.com; b@y.com", None,
     "JOHNSON MARINE"),
    ("3", "Cara Lee", "Essex", "CT", None, None, None, "call cell", "NO EMAIL", None, None),
    ("5", "Dan Ray", "Mystic", "CT", "06355", None, None, "8605550123", " Dan@Example.COM ", None, None),
    ("A7", "Not a number", None, None, None, None, None, None, None, None, None),
]

CATALOG = [
    # inventorykey, custid, description, material, condition, color, sizewgt, price, qty, created_at
    ("101", "1", "Awning", "Sunbrella", "Good", "Blue", "8'9\"x10'2\"", 45, 2, None),
    ("102", "1", "Main sail", "Dacron", None, "White", "95#", 120, None, None),
    ("103", "1", " AWNING ", "Sunbrella", "Good", "Blue", "8'9\"x10'2\"", 45, 1, None),  # same item as 101
    ("104", "999", "Cover", "Vinyl", None, None, None, None, 1, None),  # customer deleted long ago
    ("105", "2", "Cushion", "", None, "Tan", "18x18x4", 30, 6, None),
    ("INV_3FA2B01C", "2", "Bimini", "Unknown", None, "Navy", "8x10", 80, 1, datetime.datetime(2025, 11, 2, 9)),
]

WO_COLUMNS = ("workorderno", "custid", "woname", "storagetime", "returnstatus", "returnto", "datein",
              "daterequired", "clean", "treat", "datecompleted", "quote", "rushorder", "firmrush", "iscushion",
              "seerepair", "shipto", "queueposition", "processingstatus", "finallocation", "created_at",
              "updated_at", "storage", "cleanfirstwo", "repairsneeded")


def _wo(number, custid, **values):
    row = dict.fromkeys(WO_COLUMNS)
    row.update(workorderno=number, custid=custid, woname=f"Job {number}", datein=D(2025, 10, 1), quote="Done",
               iscushion=False, created_at=MIGRATED, updated_at=MIGRATED)
    row.update(values)
    return tuple(row[column] for column in WO_COLUMNS)


WORK_ORDERS = [
    _wo("2001", "1", datecompleted=datetime.datetime(2024, 5, 1), clean=D(2024, 4, 20), storagetime="Seasonal",
        returnstatus="Ship", seerepair="1001", shipto="Doyle Milford", datein=D(2024, 4, 1), storage="",
        cleanfirstwo="1999"),
    _wo("2002", "1", quote="approved"),  # lower case never queued an order
    _wo("2003", "2", quote="Approved", rushorder=True, queueposition=2, seerepair="R 1002", returnto="Source"),
    _wo("2004", "2", quote="Approved", firmrush=True, rushorder=True, queueposition=1,
        daterequired=D(2025, 10, 20), shipto="Pick Up"),
    _wo("2005", "3", quote="Approved", datein=D(2025, 9, 1), iscushion=True),  # arrived today: no position yet
    _wo("2006", "1", quote="Approved", processingstatus=True, queueposition=3, datein=D(2025, 9, 15)),
    _wo("2007", "2", quote="Approved", clean=D(2025, 10, 5), processingstatus=True, returnstatus="Re-Hang"),
    _wo("2008", "3", quote="Yes", clean=D(2025, 10, 5), treat=D(2025, 10, 6), storagetime="SEASONAL"),
    _wo("2009", "5", finallocation="Shelf 4", returnstatus="will call", repairsneeded=True),
    _wo("2010", "5", datecompleted=datetime.datetime(2025, 1, 2), quote="", seerepair="see notes"),
    _wo("2011", "5", quote="$150", seerepair="1999", storagetime="Winter", returnstatus="UPS"),
    _wo("2013", "5", quote=None, datein=None, created_at=datetime.datetime(2025, 12, 1, 10)),
    _wo("abc", "5"),
]

LINES = [
    # workorderno, custid, description, material, qty, condition, color, sizewgt, price, inventory_key
    ("2001", "1", "Awning", "Sunbrella", None, "Good", "Blue", "8x10=80'", None, "101"),
    ("2001", "1", "AWNING ", "", 2, None, None, "44 yds.", 30, None),
    ("2003", "2", "Main sail", "Unknown", 1, None, None, "95#", 120, "103"),
    ("2004", "2", "Bimini", "Navy", 1, None, None, "8x10", 80, "INV_DEADBEEF"),
    ("2005", "3", "Cushion", "", 6, None, "Tan", "18x18x4", 30, "INV_3FA2B01C"),
    ("abc", "5", "Awning", "", 1, None, None, None, None, None),
]

WO_FILES = [
    ("2001", "photo.jpg", "work_orders/2001/ab12_photo.jpg", datetime.datetime(2025, 9, 20, 14, 5),
     "work_orders/2001/thumb_ab12_photo.jpg"),
    ("2003", "scan.pdf", "https://bucket.s3.amazonaws.com/work_orders/2003/cd_scan.pdf",
     datetime.datetime(2025, 10, 2, 8), None),
]

RO_COLUMNS = ("repairorderno", "custid", "roname", "source", "WO DATE", "DATE TO SUB", "daterequired",
              "datecompleted", "returndate", "datein", "rushorder", "firmrush", "clean", "quote", "approved",
              "QUOTE  BY", "RACK#", "storage", "location", "ITEM TYPE", "TYPE OF REPAIR", "seeclean",
              "customerprice", "returnstatus", "created_at", "updated_at")


def _ro(number, custid, **values):
    row = dict.fromkeys(RO_COLUMNS)
    row.update(repairorderno=number, custid=custid, roname=f"Repair {number}", datein=D(2025, 10, 1),
               created_at=MIGRATED, updated_at=MIGRATED)
    row.update(values)
    return tuple(row[column] for column in RO_COLUMNS)


REPAIR_ORDERS = [
    _ro("1001", "1", seeclean="2001.0", quote="YES", clean=True, **{"DATE TO SUB": D(2025, 10, 3)},
        customerprice="$1,250.00", storage="TEMPORARY", returnstatus="DELIVERY", **{"RACK#": "6D"},
        **{"QUOTE  BY": "MK"}, **{"WO DATE": D(2025, 9, 30)}, **{"ITEM TYPE": "Sail"}),
    _ro("1002", "2", approved=True, customerprice="TBD", storage="temp", returnstatus="Ship UPS"),
    _ro("1003", "3", seeclean="can't be cleaned", customerprice="350", returnstatus="REHANG"),
    _ro("1004", "5", seeclean="1234", datecompleted=datetime.datetime(2025, 10, 9), returnstatus="w/ cleaning"),
]

RO_LINES = [
    ("1001", "1", "Main sail", "", 1, None, None, "95#", 120, None),
    ("1003", "3", "Window awning", "Vinyl", None, None, None, "4x6", None, None),
]

RO_FILES = [("1001", "before.png", "uploads/before.png", datetime.datetime(2025, 10, 1, 12), None)]

CHECK_INS = [
    # checkinid, custid, datein, status, workorderno, storagetime, returnto, rushorder
    (1, "2", D(2025, 10, 1), "processed", "2003", "Seasonal", "Source", True),
    (2, "3", D(2026, 1, 15), "pending", None, "temporary", None, None),
    (3, "1", D(2025, 10, 1), "pending", "2002", None, "Customer", False),  # pending yet converted
]

CHECK_IN_ITEMS = [
    # checkinid, description, material, color, qty, sizewgt, price, condition, inventorykey (INTEGER)
    (1, "Main sail", "Unknown", None, 1, "95#", None, None, 102),
    (1, "New cover", None, "Grey", None, None, None, None, None),
    (2, "Awning", "", None, 1, None, None, None, 999),
]

CHECK_IN_FILES = [(1, "tag.jpg", "checkins/1/tag.jpg", 2048, "image/jpeg", datetime.datetime(2025, 10, 1, 9))]


@functools.cache
def users() -> list[tuple]:
    return [
        (1, "admin", "admin@example.com", pbkdf2_hash(PASSWORDS["admin"], "Ab3dEf6hIj9kLm2n"), "admin"),
        (2, "office", "office@example.com", pbkdf2_hash(PASSWORDS["office"], "Zy1xWv2uTs3rQp4o"), "manager"),
        (4, "cleaning1", "c1@example.com", pbkdf2_hash(PASSWORDS["cleaning1"], "Mn5bVc6xZl7kJh8g"), "user"),
        (7, "marco", "Marco@Example.com", pbkdf2_hash(PASSWORDS["marco"], "Qw1eRt2yUi3oPa4s"), "Manager"),
        (8, "scrypt_user", "s@example.com", scrypt_hash(PASSWORDS["scrypt_user"], "Df5gHj6kLz7xCv8b"), "user"),
        (9, "olduser", "old@example.com", "sha1$ab$0123456789abcdef0123456789abcdef01234567", "user"),
    ]


def build(connection) -> None:
    """Create the legacy tables in the connection's current schema and fill them."""
    with connection.cursor() as cursor:
        cursor.execute(SCHEMA.read_text())
        _insert(cursor, "tblsource", ("ssource", "sourceaddress", "sourcecity", "sourcestate", "sourcezip",
                                      "sourcephone", "sourcefax", "sourceemail"), SOURCES)
        _insert(cursor, "tblcustomers", ("custid", "name", "city", "state", "zipcode", "homephone", "workphone",
                                         "cellphone", "emailaddress", "sourceold", "source"), CUSTOMERS)
        _insert(cursor, "tblcustawngs", ("inventorykey", "custid", "description", "material", "condition", "color",
                                         "sizewgt", "price", "qty", "created_at"), CATALOG)
        _insert(cursor, "tblcustworkorderdetail", WO_COLUMNS, WORK_ORDERS)
        line_columns = ("custid", "description", "material", "qty", "condition", "color", "sizewgt", "price",
                        "inventory_key")
        _insert(cursor, "tblorddetcustawngs", ("workorderno", *line_columns), LINES)
        file_columns = ("filename", "file_path", "uploaded_at", "thumbnail_path")
        _insert(cursor, "tblworkorderfiles", ("workorderno", *file_columns), WO_FILES)
        _insert(cursor, "tblrepairworkorderdetail", RO_COLUMNS, REPAIR_ORDERS)
        _insert(cursor, "tblreporddetcustawngs", ("repairorderno", *line_columns), RO_LINES)
        _insert(cursor, "tblrepairorderfiles", ("repairorderno", *file_columns), RO_FILES)
        _insert(cursor, "tblcheckins", ("checkinid", "custid", "datein", "status", "workorderno", "storagetime",
                                        "returnto", "rushorder"), CHECK_INS)
        _insert(cursor, "tblcheckinitems", ("checkinid", "description", "material", "color", "qty", "sizewgt",
                                            "price", "condition", "inventorykey"), CHECK_IN_ITEMS)
        _insert(cursor, "tblcheckinfiles", ("checkinid", "file_name", "file_path", "file_size", "file_type",
                                            "uploaded_at"), CHECK_IN_FILES)
        _insert(cursor, "user", ("id", "username", "email", "password_hash", "role"), users())
        _insert(cursor, "invite_tokens", ("token", "role", "created_at", "used"),
                [("tok-used-000000000000", "user", MIGRATED, True), ("tok-open-000000000000", "manager", MIGRATED,
                                                                      False)])
        _insert(cursor, "email_reminders", ("custid", "email_address", "date_sent", "status", "message_id",
                                            "last_work_order_date"),
                [("1", "ann@x.com", datetime.datetime(2025, 11, 1, 9), "sent", "ses-1", D(2024, 11, 20)),
                 ("2", "bob@x.com", datetime.datetime(2025, 11, 1, 9), "bounced", None, D(2024, 11, 2))])
    connection.commit()


def _insert(cursor, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    names = ", ".join(f'"{column}"' for column in columns)
    marks = ", ".join(["%s"] * len(columns))
    cursor.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)
