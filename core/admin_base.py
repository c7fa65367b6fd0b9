"""What every ModelAdmin of the shop shares: saving through services and stale-form checks.

The admin is the office's main editing UI, but it must not write models itself. ``ServiceAdmin``
keeps Django's save sequence and fills its steps with service calls: ``save_model`` writes the
object together with the inline rows its service owns (an order and its items: one transaction,
one version bump), ``save_formset`` writes the other inlines through their services and records
what was written, so the History (LogEntry change messages) says what changed.
"""

import csv
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import ProtectedError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from .editing import deleted_meanwhile, stale_edit_message
from .errors import DeletedMeanwhile, DomainError
from .items import ITEM_FIELDS


class VersionedForm(forms.ModelForm):
    """Carries the version the form was loaded with; a save over a newer version is refused.

    clean() gives the friendly field-level answer; the service repeats the check under the row
    lock, which is what makes it hold when two saves race.
    """

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version
            self.fields["loaded_version"].required = True  # an edit must say what it was based on

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        loaded = cleaned.get("loaded_version")
        if self.instance.pk and loaded is not None:
            model = type(self.instance)
            current = model.objects.select_related("updated_by").filter(pk=self.instance.pk).first()
            if current is None:
                # Not a field problem: the admin answers it like the service's lock finding nothing.
                raise deleted_meanwhile(model, self.instance.pk)
            if current.version != loaded:
                raise ValidationError(stale_edit_message(current))
        return cleaned

    def editable_fields(self, names: tuple[str, ...]) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}


@dataclass
class SubmittedItems:
    """The item rows an item inline submits, in order, for one create/update service call, and
    what the user did to each, so the History can say it once the service has written them.

    ``edits`` runs parallel to ``rows``: None for a line kept as it was, [] for a new line, the
    changed field names for an edited line. ``deleted`` are the lines ticked for deletion.
    """

    rows: list[dict[str, Any]] = field(default_factory=list)
    edits: list[list[str] | None] = field(default_factory=list)
    deleted: list[models.Model] = field(default_factory=list)

    def add(self, row: dict[str, Any], edit: list[str] | None) -> None:
        self.rows.append(row)
        self.edits.append(edit)

    def record(self, formset: forms.BaseModelFormSet, lines: Sequence[models.Model]) -> None:
        """Set the formset's new/changed/deleted objects from the lines the service wrote.

        The services replace an order's lines with ``rows`` in their order (all inserted again,
        with new keys), so the n-th line written is the n-th row sent.
        """
        new, changed = [], []
        for edit, line in zip(self.edits, lines, strict=True):
            if edit == []:
                new.append(line)
            elif edit:
                changed.append((line, edit))
        record_saved(formset, new=new, changed=changed, deleted=self.deleted)


def submitted_items(formset: forms.BaseModelFormSet) -> SubmittedItems | None:
    """The item rows a validated formset submits, or None when the user did not touch them."""
    if not formset.has_changed():
        return None
    deleted = formset.deleted_forms  # public; empty when the inline cannot delete
    submitted = SubmittedItems()
    for form in formset.forms:
        if form in deleted:
            if form.instance.pk:
                submitted.deleted.append(form.instance)
            continue
        if not form.has_changed() and not form.instance.pk:
            continue  # an empty extra row
        row = {name: value for name, value in form.cleaned_data.items() if name in ITEM_FIELDS}
        if form.instance.pk:
            row["id"] = form.instance.pk  # already on the order: not a newly typed item
            row.setdefault("catalog_item", form.instance.catalog_item)  # the link is not a form field
            submitted.add(row, form.changed_data or None)
        else:
            submitted.add(row, [])
    return submitted


def record_saved(formset: forms.BaseModelFormSet, *, new=(), changed=(), deleted=()) -> None:
    """Say what was written for an inline, as ``formset.save()`` would have: Django builds the
    History entry from these lists (``construct_change_message``)."""
    formset.new_objects, formset.changed_objects, formset.deleted_objects = list(new), list(changed), list(deleted)


def become_saved_row(obj: models.Model, saved: models.Model) -> None:
    """Make the admin's own instance the row a service wrote.

    Django goes on using the instance it handed to save_model (log entry, success message,
    redirect, and form.instance for save_related), so it is reloaded from the saved row rather
    than replaced.
    """
    obj.pk = saved.pk
    obj.refresh_from_db()
    obj._state.adding = False  # a documented flag: the row now exists


class _RecordedFormSet:
    """Mixed into the inline formset classes a ServiceAdmin hands to the change view: each formset
    built is appended to ``record`` (a list kept on the request), see ServiceAdmin."""

    record: list

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.record.append(self)


_FORMSETS_ON_REQUEST = "service_admin_formsets"


# What apps higher up add to a lower app's admin page (tickets' print action on the orders, the
# orders on the customer's page), keyed by model label. Registering from the higher app keeps the
# imports pointing down: the customer admin never imports workorders.
_EXTRA_ACTIONS: dict[str, list[Callable]] = defaultdict(list)
_EXTRA_INLINES: dict[str, list[type[admin.options.InlineModelAdmin]]] = defaultdict(list)


def extend_admin(model_label: str, *, actions: tuple[Callable, ...] = (), inlines: tuple[type, ...] = ()) -> None:
    """Add admin actions or inlines to the ``ServiceAdmin`` of ``model_label`` ("app.Model").

    Call from the higher app's ``admin`` module (loaded by admin autodiscovery); the page picks
    them up on its next request.
    """
    _EXTRA_ACTIONS[model_label].extend(action for action in actions if action not in _EXTRA_ACTIONS[model_label])
    _EXTRA_INLINES[model_label].extend(inline for inline in inlines if inline not in _EXTRA_INLINES[model_label])


class ServiceAdmin(admin.ModelAdmin):
    """A ModelAdmin whose writes go through the app's services, inside Django's own save sequence.

    Django's change view validates the form and every inline formset, then calls save_model(),
    save_related() (save_formset() per inline), construct_change_message(), log_addition() or
    log_change(), and answers with the success message and redirect, all about one instance:
    ``form.instance``. Each step is kept and filled in:

    - save_model() makes the one service call that writes the object together with the inline
      rows its service owns (save_with_service(); an order's items are replaced in the same
      transaction with one version bump), then reloads ``form.instance`` from the row written
      (become_saved_row), so the log entry, message and redirect are about the saved row.
    - The inline formsets reach save_model() through public hooks only: Django passes them to
      save_related() but not to save_model(), so get_formsets_with_inlines() yields formset
      classes that record each formset built on the request, and submitted_formsets() returns
      the ones built for the object being saved (already validated: Django saves nothing
      unless the form and every formset are valid).
    - save_formset() never calls formset.save() (that would write around the services): it
      writes the inlines that have their own services and sets formset.new_objects,
      changed_objects and deleted_objects to what was written (record_saved), from which
      Django's construct_change_message() writes the History entry.
    """

    list_per_page = settings.ADMIN_LIST_PER_PAGE
    show_full_result_count = False  # one COUNT(*) less on every list page

    def get_inlines(self, request, obj):
        return (*super().get_inlines(request, obj), *_EXTRA_INLINES[self.opts.label])

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.actions is not None and IS_POPUP_VAR not in request.GET:  # as Django decides
            for function in _EXTRA_ACTIONS[self.opts.label]:
                needed = getattr(function, "allowed_permissions", ())
                if all(getattr(self, f"has_{permission}_permission")(request) for permission in needed):
                    function, name, description = self.get_action(function)
                    actions[name] = (function, name, description)
        return actions

    def get_formsets_with_inlines(self, request, obj=None):
        record: list = []
        setattr(request, _FORMSETS_ON_REQUEST, record)
        for formset_class, inline in super().get_formsets_with_inlines(request, obj):
            recorded = type(formset_class.__name__, (_RecordedFormSet, formset_class), {"record": record})
            yield recorded, inline

    def submitted_formsets(self, request: HttpRequest, obj: models.Model) -> list[forms.BaseModelFormSet]:
        """The inline formsets the change view built for ``obj`` on this request."""
        return [formset for formset in getattr(request, _FORMSETS_ON_REQUEST, ()) if formset.instance is obj]

    def save_with_service(self, request: HttpRequest, form, formsets, change: bool) -> models.Model:
        """Write the object (and the inline rows its service owns) through the app's services in
        one call; return the saved row."""
        raise NotImplementedError

    def delete_with_service(self, request: HttpRequest, obj: models.Model) -> None:
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        saved = self.save_with_service(request, form, self.submitted_formsets(request, obj), change)
        become_saved_row(obj, saved)

    def save_related(self, request, form, formsets, change):
        # No form.save_m2m(): it would write around the services (these forms have no
        # many-to-many fields; a service would set them).
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        """Write one inline through its services and record_saved() what was written.

        This default serves inlines with nothing to write (read-only lists); an admin with an
        editable inline overrides it, so submitted rows are never dropped silently.
        """
        if formset.has_changed():
            raise NotImplementedError(f"{type(self).__name__} does not save the {formset.model._meta.verbose_name} inline")
        record_saved(formset)

    def delete_model(self, request, obj):
        self.delete_with_service(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset.order_by("pk"):
            self.delete_with_service(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # A refusal raised under the lock (a race the form's clean() could not see) rolls the
        # admin's transaction back; show it as a message instead of a server error.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DeletedMeanwhile as error:
            self.message_user(request, str(error), messages.ERROR)
            if object_id is not None and self._is_this_object(error, unquote(object_id)):
                return HttpResponseRedirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"))
            return HttpResponseRedirect(request.get_full_path())  # a row the page refers to is gone
        except (DomainError, ValidationError, ProtectedError) as error:
            self.message_user(request, refusal_text(error), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def _is_this_object(self, error: DeletedMeanwhile, object_id: str) -> bool:
        same_table = error.model._meta.concrete_model is self.model._meta.concrete_model
        return same_table and str(error.pk) == object_id

    def delete_view(self, request, object_id, extra_context=None):
        # Something may start referring to the row between Django's check and the delete.
        try:
            return super().delete_view(request, object_id, extra_context)
        except (DomainError, ProtectedError) as error:
            self.message_user(request, refusal_text(error), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def run_per_object(self, request, queryset, service, success: str) -> None:
        """Admin action body: one service call (one transaction) per object, refusals collected."""
        done, refused = 0, []
        for obj in queryset.order_by("pk"):
            try:
                service(obj)
                done += 1
            except (DomainError, ValidationError, PermissionDenied) as error:
                refused.append(f"{obj}: {refusal_text(error)}")
        if done:
            self.message_user(request, success.format(count=done), messages.SUCCESS)
        if refused:
            self.message_user(request, "Not changed — " + " | ".join(refused), messages.WARNING)


NUMBER_RANGE = re.compile(r"^\s*(\d+)\s*-\s*(\d+)\s*$")


class OrderListMixin:
    """Order lists: search by a number range such as ``100-200``, and export to CSV."""

    csv_columns: tuple[tuple[str, str], ...] = ()  # (dotted attribute, heading)

    def get_search_results(self, request, queryset, search_term):
        if match := NUMBER_RANGE.match(search_term):
            low, high = sorted(int(group) for group in match.groups())
            return queryset.filter(number__range=(low, high)), False
        return super().get_search_results(request, queryset, search_term)

    @admin.action(description="Export selected to CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.model._meta.model_name}s.csv"'
        writer = csv.writer(response)
        writer.writerow([heading for _, heading in self.csv_columns])
        related = [field for field in getattr(self, "list_select_related", ()) if isinstance(field, str)]
        for obj in queryset.select_related(*related).order_by("-number").iterator(chunk_size=2000):
            writer.writerow([_dotted(obj, attribute) for attribute, _ in self.csv_columns])
        return response


def _dotted(obj, attribute: str):
    for name in attribute.split("."):
        obj = getattr(obj, name, None) if obj is not None else None
        obj = obj() if callable(obj) else obj
    return "" if obj is None else obj


def refusal_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(error.messages)
    if isinstance(error, ProtectedError):
        return "It is still referred to by other records, so it cannot be deleted."
    return str(error)


ITEM_COLUMNS = ("description", "material", "colour", "condition", "size", "quantity", "price")


def item_inline(line_model: type[models.Model]) -> type[admin.TabularInline]:
    """The editable item lines of an order or check-in (one empty row to type into)."""
    return type(f"{line_model.__name__}Inline", (admin.TabularInline,), {"model": line_model, "fields": ITEM_COLUMNS, "extra": 1})


class ReadOnlyInline(admin.TabularInline):
    """A list of related rows shown on a page, each linking to its own page."""

    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def read_only_inline(model: type[models.Model], fields: tuple[str, ...]) -> type[ReadOnlyInline]:
    """A model's rows as a read-only list, newest number first (an order app's list on the
    customer's page, say)."""
    attributes = {"model": model, "fields": fields, "readonly_fields": fields, "ordering": ("-number",)}
    return type(f"{model.__name__}ListInline", (ReadOnlyInline,), attributes)
