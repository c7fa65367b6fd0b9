-- The legacy back-office schema, copied from the legacy system (Flask/SQLAlchemy on PostgreSQL)
-- so that the tests build their own legacy database: the fifteen tables import_legacy reads.
--
-- Names and types follow the legacy database as it exists in production:
--   * numeric identifiers (custid, workorderno, repairorderno, inventorykey)
--     are TEXT / VARCHAR columns that hold digits;
--   * sources are keyed by their display name (tblsource.ssource);
--   * a handful of repair-order columns keep their quoted MS Access names,
--     including "QUOTE  BY" with TWO spaces;
--   * booleans are nullable (tri-state) where the data came from Access;
--   * the user table is the singular, reserved word "user" (always quote it).
--
-- Only the foreign keys that are declared in the legacy database are declared
-- here.  Relationships the application merely implies are left undeclared on
-- purpose, exactly as in production, so orphans are possible:
--   tblcustawngs.custid              -> tblcustomers.custid
--   tblorddetcustawngs.inventory_key -> tblcustawngs.inventorykey
--   tblreporddetcustawngs.inventory_key -> tblcustawngs.inventorykey
--   tblcheckinitems.inventorykey (INTEGER!) -> tblcustawngs.inventorykey
--   tblrepairworkorderdetail.source  -> tblsource.ssource (free text)
--   tblcustworkorderdetail.seerepair <-> tblrepairworkorderdetail.seeclean
--
-- Not created (the importer must skip them anyway): work_order_drafts,
-- chat_sessions, chat_messages, *_embeddings, alembic_version.

-- ---------------------------------------------------------------------------
-- Sources (sail lofts, marinas, canvas shops, dealers, placeholder rows)
-- ---------------------------------------------------------------------------
CREATE TABLE tblsource (
    ssource        text PRIMARY KEY,
    sourceaddress  text,
    sourcecity     text,
    sourcestate    text,
    sourcezip      text,
    sourcephone    text,
    sourcefax      text,
    sourceemail    text
);

-- ---------------------------------------------------------------------------
-- Customers
-- ---------------------------------------------------------------------------
CREATE TABLE tblcustomers (
    custid         text PRIMARY KEY,
    name           text,
    contact        text,
    address        text,
    address2       text,
    city           text,
    state          text,
    zipcode        text,
    homephone      text,
    workphone      text,
    cellphone      text,
    emailaddress   text,
    mailaddress    text,
    mailcity       text,
    mailstate      text,
    mailzip        text,
    sourceold      text,
    source         text REFERENCES tblsource (ssource),
    sourceaddress  text,
    sourcecity     text,
    sourcestate    text,
    sourcezip      text
);

-- ---------------------------------------------------------------------------
-- Per-customer catalog of owned items ("customer awnings").  No FK on custid.
-- ---------------------------------------------------------------------------
CREATE TABLE tblcustawngs (
    inventorykey   text PRIMARY KEY,
    custid         text,
    description    text,
    material       text,
    condition      text,
    color          text,
    sizewgt        text,
    price          numeric(10,2),
    qty            integer,
    created_at     timestamp without time zone
);

-- ---------------------------------------------------------------------------
-- Work orders (cleaning jobs)
-- ---------------------------------------------------------------------------
CREATE TABLE tblcustworkorderdetail (
    workorderno         character varying PRIMARY KEY,
    custid              character varying NOT NULL REFERENCES tblcustomers (custid),
    woname              character varying,
    storage             character varying,
    storagetime         character varying,
    rack_number         character varying,
    specialinstructions text,
    repairsneeded       boolean,
    returnstatus        character varying,
    returnto            character varying,
    datein              date,
    daterequired        date,
    clean               date,
    treat               date,
    datecompleted       timestamp without time zone,
    quote               character varying,
    rushorder           boolean,
    firmrush            boolean,
    iscushion           boolean DEFAULT false,
    seerepair           character varying,
    shipto              character varying REFERENCES tblsource (ssource),
    cleanfirstwo        character varying,
    queueposition       integer,
    processingstatus    boolean,
    finallocation       character varying,
    source_name         text,
    created_at          timestamp without time zone DEFAULT now(),
    updated_at          timestamp without time zone DEFAULT now()
);

-- ---------------------------------------------------------------------------
-- Work-order line items
-- ---------------------------------------------------------------------------
CREATE TABLE tblorddetcustawngs (
    id             serial PRIMARY KEY,
    workorderno    character varying NOT NULL REFERENCES tblcustworkorderdetail (workorderno),
    custid         character varying NOT NULL REFERENCES tblcustomers (custid),
    description    character varying NOT NULL,
    material       character varying DEFAULT 'Unknown',
    qty            integer,
    condition      character varying,
    color          character varying,
    sizewgt        character varying,
    price          numeric(10,2),
    inventory_key  character varying
);
CREATE INDEX ix_tblorddetcustawngs_workorderno ON tblorddetcustawngs (workorderno);

-- ---------------------------------------------------------------------------
-- Work-order file attachments (objects live in S3; the row keeps key/path)
-- ---------------------------------------------------------------------------
CREATE TABLE tblworkorderfiles (
    id              serial PRIMARY KEY,
    workorderno     character varying NOT NULL REFERENCES tblcustworkorderdetail (workorderno),
    filename        character varying,
    file_path       character varying,
    uploaded_at     timestamp without time zone,
    thumbnail_path  character varying(500)
);

-- ---------------------------------------------------------------------------
-- Repair orders (quoted Access column names kept as-is)
-- ---------------------------------------------------------------------------
CREATE TABLE tblrepairworkorderdetail (
    repairorderno       character varying PRIMARY KEY,
    custid              character varying NOT NULL REFERENCES tblcustomers (custid),
    roname              character varying,
    source              character varying,
    "WO DATE"           date,
    "DATE TO SUB"       date,
    daterequired        date,
    datecompleted       timestamp without time zone,
    returndate          date,
    dateout             date,
    datein              date,
    rushorder           boolean,
    firmrush            boolean,
    clean               boolean,
    cleanfirst          boolean,
    quote               character varying,
    approved            boolean,
    "QUOTE  BY"         character varying,
    "RACK#"             character varying,
    storage             character varying,
    location            character varying,
    finallocation       character varying,
    "ITEM TYPE"         character varying,
    "TYPE OF REPAIR"    character varying,
    specialinstructions text,
    seeclean            character varying,
    repairsdoneby       character varying,
    materiallist        text,
    customerprice       character varying,
    returnstatus        character varying,
    returnto            character varying,
    source_name         text,
    created_at          timestamp without time zone DEFAULT now(),
    updated_at          timestamp without time zone DEFAULT now()
);

-- ---------------------------------------------------------------------------
-- Repair-order line items
-- ---------------------------------------------------------------------------
CREATE TABLE tblreporddetcustawngs (
    id             serial PRIMARY KEY,
    repairorderno  character varying NOT NULL REFERENCES tblrepairworkorderdetail (repairorderno),
    custid         character varying NOT NULL REFERENCES tblcustomers (custid),
    description    character varying NOT NULL DEFAULT '',
    material       character varying NOT NULL DEFAULT '',
    qty            integer,
    condition      character varying,
    color          character varying,
    sizewgt        character varying,
    price          numeric(10,2),
    inventory_key  character varying
);
CREATE INDEX ix_tblreporddetcustawngs_repairorderno ON tblreporddetcustawngs (repairorderno);

-- ---------------------------------------------------------------------------
-- Repair-order file attachments
-- ---------------------------------------------------------------------------
CREATE TABLE tblrepairorderfiles (
    id              serial PRIMARY KEY,
    repairorderno   character varying NOT NULL REFERENCES tblrepairworkorderdetail (repairorderno),
    filename        character varying,
    file_path       character varying,
    uploaded_at     timestamp without time zone,
    thumbnail_path  character varying(500)
);

-- ---------------------------------------------------------------------------
-- Check-ins (counter intake tickets, converted into work orders later)
-- ---------------------------------------------------------------------------
CREATE TABLE tblcheckins (
    checkinid           serial PRIMARY KEY,
    custid              character varying NOT NULL REFERENCES tblcustomers (custid),
    datein              date NOT NULL,
    status              character varying NOT NULL DEFAULT 'pending',
    workorderno         character varying REFERENCES tblcustworkorderdetail (workorderno),
    specialinstructions text,
    storagetime         character varying,
    rack_number         character varying,
    returnto            character varying,
    daterequired        date,
    repairsneeded       boolean,
    rushorder           boolean,
    created_at          timestamp without time zone DEFAULT now(),
    updated_at          timestamp without time zone DEFAULT now()
);

CREATE TABLE tblcheckinitems (
    id             serial PRIMARY KEY,
    checkinid      integer NOT NULL REFERENCES tblcheckins (checkinid),
    description    character varying NOT NULL,
    material       character varying DEFAULT 'Unknown',
    color          character varying,
    qty            integer,
    sizewgt        character varying,
    price          numeric(10,2),
    condition      character varying,
    inventorykey   integer            -- catalog key as an INTEGER (type mismatch kept)
);
CREATE INDEX ix_tblcheckinitems_checkinid ON tblcheckinitems (checkinid);

CREATE TABLE tblcheckinfiles (
    id           serial PRIMARY KEY,
    checkinid    integer NOT NULL REFERENCES tblcheckins (checkinid),
    file_name    character varying(255),
    file_path    character varying(500),
    file_size    integer,
    file_type    character varying(100),
    uploaded_at  timestamp without time zone DEFAULT now()
);

-- ---------------------------------------------------------------------------
-- Users (Werkzeug password hashes) and invite tokens
-- ---------------------------------------------------------------------------
CREATE SEQUENCE user_id_seq;
CREATE TABLE "user" (
    id             integer PRIMARY KEY DEFAULT nextval('user_id_seq'),
    username       character varying(80)  NOT NULL UNIQUE,
    email          character varying(120) NOT NULL UNIQUE,
    password_hash  character varying(256) NOT NULL,
    role           character varying(20) DEFAULT 'user'
);
ALTER SEQUENCE user_id_seq OWNED BY "user".id;

CREATE TABLE invite_tokens (
    id          serial PRIMARY KEY,
    token       character varying(64) UNIQUE,
    role        character varying(20) NOT NULL DEFAULT 'user',
    created_at  timestamp without time zone,
    used        boolean DEFAULT false
);

-- ---------------------------------------------------------------------------
-- Cleaning-reminder e-mail log
-- ---------------------------------------------------------------------------
CREATE TABLE email_reminders (
    id                    serial PRIMARY KEY,
    custid                text NOT NULL REFERENCES tblcustomers (custid),
    email_address         character varying(255) NOT NULL,
    date_sent             timestamp without time zone NOT NULL,
    message_id            character varying(255),
    status                character varying(50) DEFAULT 'sent',
    error_message         text,
    last_work_order_date  date
);

-- Indexes on the customer columns of child tables (as in production).
CREATE INDEX ix_tblcustworkorderdetail_custid   ON tblcustworkorderdetail (custid);
CREATE INDEX ix_tblrepairworkorderdetail_custid ON tblrepairworkorderdetail (custid);
CREATE INDEX ix_tblcustawngs_custid             ON tblcustawngs (custid);
CREATE INDEX ix_tblorddetcustawngs_custid       ON tblorddetcustawngs (custid);
CREATE INDEX ix_tblreporddetcustawngs_custid    ON tblreporddetcustawngs (custid);
