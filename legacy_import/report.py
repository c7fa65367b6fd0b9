"""What an import did: rows read, written and skipped per table, quirks fixed, and a CSV listing
every skipped or altered row with its reason (written next to the text report)."""

import csv
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ISSUE_COLUMNS = ("table", "legacy_key", "action", "reason", "value")


@dataclass
class TableStats:
    read: int = 0
    created: int = 0
    updated: int = 0
    deleted: int = 0
    skipped: int = 0

    @property
    def written(self) -> int:
        return self.created + self.updated + self.deleted


@dataclass
class Report:
    dry_run: bool = False
    tables: dict[str, TableStats] = field(default_factory=dict)
    quirks: Counter = field(default_factory=Counter)
    issues: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def table(self, name: str) -> TableStats:
        return self.tables.setdefault(name, TableStats())

    def altered(self, table: str, key, reason: str, value="") -> None:
        self.quirks[(table, reason)] += 1
        self.issues.append((table, str(key), "altered", reason, _short(value)))

    def skipped(self, table: str, key, reason: str, value="") -> None:
        self.table(table).skipped += 1
        self.quirks[(table, f"skipped: {reason}")] += 1
        self.issues.append((table, str(key), "skipped", reason, _short(value)))

    def lines(self) -> list[str]:
        header = f"{'table':<26}{'read':>9}{'created':>9}{'updated':>9}{'deleted':>9}{'skipped':>9}"
        out = ["Legacy import" + (" (dry run: nothing was saved)" if self.dry_run else ""), "", header]
        for name, stats in self.tables.items():
            out.append(
                f"{name:<26}{stats.read:>9}{stats.created:>9}{stats.updated:>9}{stats.deleted:>9}{stats.skipped:>9}"
            )
        out += ["", "Quirks fixed (table, quirk: rows)"]
        out += [f"  {table}, {reason}: {count}" for (table, reason), count in sorted(self.quirks.items())]
        out += ["", *self.notes]
        return out

    def write(self, directory: Path) -> tuple[Path, Path]:
        directory.mkdir(parents=True, exist_ok=True)
        text_path, csv_path = directory / "report.txt", directory / "issues.csv"
        text_path.write_text("\n".join(self.lines()) + "\n", encoding="utf-8")
        with csv_path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(ISSUE_COLUMNS)
            writer.writerows(self.issues)
        return text_path, csv_path


def _short(value) -> str:
    value = "" if value is None else str(value)
    return value if len(value) <= 200 else value[:197] + "..."


class Progress:
    """One progress line per table on stderr; redrawn in place on a terminal, every quarter in a
    log (a progress bar dependency would add little to this one line)."""

    def __init__(self, stream=None, enabled: bool = True):
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.is_tty = hasattr(self.stream, "isatty") and self.stream.isatty()

    def start(self, table: str, total: int) -> "TableProgress":
        return TableProgress(self, table, total)


class TableProgress:
    def __init__(self, progress: Progress, table: str, total: int):
        self.progress, self.table, self.total, self.done, self.next_mark = progress, table, total, 0, 0.25

    def advance(self, count: int = 1) -> None:
        self.done += count
        if not self.progress.enabled:
            return
        fraction = self.done / self.total if self.total else 1.0
        if self.progress.is_tty and (self.done % 500 == 0 or self.done == self.total):
            self._draw(fraction, end="\r")
        elif not self.progress.is_tty and self.next_mark < 1 and fraction >= self.next_mark:
            while self.next_mark <= fraction:
                self.next_mark += 0.25
            self._draw(fraction, end="\n")

    def finish(self) -> None:
        if self.progress.enabled:
            self._draw(1.0 if self.done >= self.total else self.done / max(self.total, 1), end="\n")

    def _draw(self, fraction: float, end: str) -> None:
        width = 30
        bar = "#" * int(width * min(fraction, 1.0))
        self.progress.stream.write(f"{self.table:<26}[{bar:<{width}}] {self.done}/{self.total}{end}")
        self.progress.stream.flush()
