"""The four roles of the shop, as Django groups with model permissions.

| role       | admin site | may                                                                 |
|------------|------------|---------------------------------------------------------------------|
| Technician | no         | see the queue and orders, move orders through the cleaning stages, add photos |
| Office     | yes        | customers, sources, catalog, check-ins, work and repair orders      |
| Manager    | yes        | Office, plus deleting, completing orders, reordering the queue, analytics |
| Admin      | yes        | everything, including users and model versions                      |

``sync_roles`` makes each group hold exactly these permissions; migrations call it, so adding a
permission here needs a new migration that calls it again.
"""

from django.db.models import Q

TECHNICIAN = "Technician"
OFFICE = "Office"
MANAGER = "Manager"
ADMIN = "Admin"
ROLES = (TECHNICIAN, OFFICE, MANAGER, ADMIN)
STAFF_ROLES = frozenset({OFFICE, MANAGER, ADMIN})

BUSINESS_MODELS = {
    "customers": ("source", "customer", "catalogitem"),
    "workorders": (
        "workorder", "workorderitem", "workorderfile", "checkin", "checkinitem", "checkinfile", "quoterequest",
    ),
    "repairs": ("repairorder", "repairorderitem", "repairorderfile"),
}
OFFICE_CAN_DELETE = {"catalogitem", "workorderitem", "workorderfile", "checkin", "checkinitem",
                     "checkinfile", "repairorderitem", "repairorderfile"}


def _business(actions: tuple[str, ...], *, only: set[str] | None = None) -> set[str]:
    return {
        f"{app}.{action}_{model}"
        for app, models in BUSINESS_MODELS.items()
        for model in models
        for action in actions
        if only is None or model in only
    }


ROLE_PERMISSIONS: dict[str, set[str]] = {
    TECHNICIAN: {
        "workorders.view_workorder",
        "workorders.view_workorderitem",
        "workorders.view_workorderfile",
        "workorders.add_workorderfile",
        "workorders.advance_workorder",
        "customers.view_customer",
        "repairs.view_repairorder",
    },
    OFFICE: _business(("view", "add", "change"))
    | _business(("delete",), only=OFFICE_CAN_DELETE)
    | {"workorders.view_workorderevent"},
}
ROLE_PERMISSIONS[MANAGER] = ROLE_PERMISSIONS[OFFICE] | _business(("delete",)) | {
    "workorders.complete_workorder",
    "workorders.advance_workorder",
    "queue.reorder_queue",
    "insights.view_analytics",
    "repairs.complete_repairorder",
    # The completion-time model: see its versions and runs, activate or roll back a version.
    "mlmodels.view_modelversion",
    "mlmodels.activate_modelversion",
    "mlmodels.view_trainingrun",
    "mlmodels.view_prediction",
}


def sync_roles(apps, *, strict: bool = True) -> None:
    """Create the groups and give each exactly its permissions (Admin: all of them).

    ``strict=False`` skips permissions that do not exist yet: the roles migration runs before
    later migrations add models, and the post-migrate sync (strict) completes the groups.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        if role == ADMIN:
            group.permissions.set(Permission.objects.all())
            continue
        wanted = ROLE_PERMISSIONS[role]
        query = Q(pk__in=[])
        for label in wanted:
            app_label, codename = label.split(".")
            query |= Q(content_type__app_label=app_label, codename=codename)
        permissions = list(Permission.objects.filter(query))
        found = {f"{p.content_type.app_label}.{p.codename}" for p in permissions}
        if (missing := wanted - found) and strict:
            raise LookupError(f"Permissions missing for role {role}: {sorted(missing)}")
        group.permissions.set(permissions)
