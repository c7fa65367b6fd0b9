from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from mlmodels.models import ModelVersion
from mlmodels.services import train_completion_model


class Command(BaseCommand):
    help = (
        "Train the completion-time model on every completed work order, evaluate it on the most recent "
        "fifth (by date in) against the median-per-priority baseline, store the version and activate it if it beats "
        "the baseline. Refuses (exit 1) while another training run is going."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true",
            help="Train and report the metrics, but store and activate nothing.",
        )
        parser.add_argument(
            "--unless-active", action="store_true",
            help="Do nothing when a version is already active (bin/run trains the demo shop's first model so).",
        )

    def handle(self, *args, dry_run: bool, unless_active: bool, verbosity: int, **options):
        if unless_active and ModelVersion.objects.filter(is_active=True).exists():
            self.stdout.write("A model version is active already; not training.")
            return
        if verbosity:
            self.stdout.write("Reading completed work orders and training (this takes a while on a large shop) ...")
        try:
            outcome = train_completion_model(trained_via="command", dry_run=dry_run)
        except DomainError as refusal:
            raise CommandError(str(refusal)) from refusal
        m = outcome.result.metrics
        summary = (
            f"{outcome.result.sample_count} orders ({m['train_count']} train, {m['holdout_count']} holdout from "
            f"{m['holdout_from']}): MAE {m['mae']} days, median absolute error {m['median_absolute_error']}, "
            f"baseline MAE {m['baseline_mae']}"
        )
        if dry_run:
            verdict = "dry run: nothing stored"
        elif outcome.activated:
            verdict = f"version {outcome.version.pk} stored and activated"
        else:
            verdict = f"version {outcome.version.pk} stored, NOT activated (does not beat the baseline)"
        self.stdout.write(f"{summary}; {verdict}.")
