from django.core.management.base import BaseCommand, CommandError

from core.numbering import fix_sequences, sequence_states


class Command(BaseCommand):
    help = "Check that no document-number sequence is behind the highest number in its table."

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="Move sequences that are behind forward.")

    def handle(self, *args, fix, **options):
        states = fix_sequences() if fix else sequence_states()
        for state in states:
            verdict = "BEHIND" if state.behind else "ok"
            if state.behind and fix:
                verdict = f"moved to {state.highest}"
            self.stdout.write(f"{state.name:<22} last={state.last:<8} highest={state.highest:<8} {verdict}")
        behind = [state.name for state in states if state.behind]
        if behind and not fix:
            raise CommandError(f"Behind: {', '.join(behind)}. Run `manage.py check_sequences --fix`.")
