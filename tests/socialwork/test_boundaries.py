"""Which app may import which. Reports reads the domain apps (their selectors); the domain apps
never read reports: a figure a domain page needs (the worker-year figures of the practice
assessment) belongs to the domain that owns the records, and reports reads it from there.

Routing is the project's level, not a domain's: socialwork/api_urls.py mounts reports' API views
beside the others, and that import is allowed (socialwork is not a domain app)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_APPS = ("positions", "training", "projects", "casework")


def imported_modules(source: Path) -> set[str]:
    """Every module a file imports, at its top or inside a function (relative imports resolved)."""
    package = ".".join(source.relative_to(ROOT).with_suffix("").parts[:-1])
    return imports_in(source.read_text(encoding="utf-8"), package=package)


def imports_in(text: str, *, package: str) -> set[str]:
    tree = ast.parse(text)
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def test_no_domain_app_imports_reports():
    offenders = []
    for app in DOMAIN_APPS:
        for source in sorted((ROOT / app).rglob("*.py")):
            reports = {name for name in imported_modules(source) if name.split(".")[0] == "reports"}
            if reports:
                offenders.append(f"{source.relative_to(ROOT)}: {', '.join(sorted(reports))}")
    assert offenders == []


def test_the_walk_finds_an_import_of_reports_wherever_it_is_written():
    """The check itself: at the top, inside a function, as a module or relative from reports."""
    text = """
import reports.exports
from reports import figures


def view():
    from reports.evidence import worker_evidence
"""
    names = imports_in(text, package="positions.views")
    assert {"reports.exports", "reports.figures", "reports.evidence.worker_evidence"} <= names
    assert "reports.export_tasks" in imports_in("from .export_tasks import run", package="reports")
