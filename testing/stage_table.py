"""The work-order stage-transition table, written out by hand from the business rules.

The single source of the expected moves for every stage test: no test takes its expectations from
``workorders.stages`` (the code under test), so a wrong move added there, or a right one removed,
turns them red. Sources of the rules, and who makes each move, are in
``workorders/tests/test_stage_table.py``'s docstring. Plain strings, not ``Stage`` members, so
nothing here is imported from the code under test.
"""

TECH, OFFICE, MANAGER = "Technician", "Office", "Manager"
_ = None  # forbidden

STAGES = ("awaiting_quote", "queued", "in_progress", "cleaned", "treated", "packaged", "completed")

# Row: from stage. Column: to stage, in the order of STAGES. Cell: the role whose job the move is.
TABLE = {
    #                 awaiting_quote queued  in_progress cleaned treated packaged completed
    "awaiting_quote": (_,            OFFICE, _,          _,      _,      _,       MANAGER),
    "queued":         (OFFICE,       _,      TECH,       TECH,   _,      TECH,    MANAGER),
    "in_progress":    (_,            TECH,   _,          TECH,   _,      TECH,    MANAGER),
    "cleaned":        (_,            _,      _,          _,      TECH,   TECH,    MANAGER),
    "treated":        (_,            _,      _,          _,      _,      TECH,    MANAGER),
    "packaged":       (_,            _,      _,          _,      _,      _,       MANAGER),
    "completed":      (_,            _,      _,          _,      _,      _,       _),
}

# Which roles hold the permission a move of each kind needs (the rest must get PermissionDenied).
MAY_MAKE = {TECH: {TECH, MANAGER}, OFFICE: {OFFICE, MANAGER}, MANAGER: {MANAGER}}

PAIRS = [(source, target) for source in STAGES for target in STAGES]
ALLOWED = {(s, t): TABLE[s][STAGES.index(t)] for s, t in PAIRS if TABLE[s][STAGES.index(t)] is not None}
FORBIDDEN = [pair for pair in PAIRS if pair not in ALLOWED]
ALLOWED_BY = [(s, t, role) for (s, t), kind in ALLOWED.items() for role in sorted(MAY_MAKE[kind])]
DENIED_TO = [(s, t, role) for (s, t), kind in ALLOWED.items() for role in sorted({TECH, OFFICE, MANAGER} - MAY_MAKE[kind])]

# The date field a move into each stage records; moves into awaiting quote or queued record none.
STAMPED_DATE = {
    "in_progress": "started_on",
    "cleaned": "cleaned_on",
    "treated": "treated_on",
    "packaged": "packaged_on",
    "completed": "completed_on",
}
