"""``dft causes``: the categories and their causes, in order."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from dft.cli.common import EXIT_OK, print_json, reading

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from dft.core.taxonomy import CategoryInfo


def cmd_causes(args: argparse.Namespace) -> int:
    """Print the taxonomy, retired entries marked, as text or JSON."""
    from dft.core.taxonomy import list_taxonomy

    def work(session: Session) -> int:
        taxonomy = list_taxonomy(session)
        if args.json:
            print_json([_category_json(category) for category in taxonomy])
        else:
            _print_taxonomy(taxonomy)
        return EXIT_OK

    return reading(args, work)


def _category_json(category: CategoryInfo) -> dict[str, Any]:
    return {
        "category": category.name,
        "controllable": category.controllable,
        "retired": category.retired,
        "causes": [{"name": cause.name, "retired": cause.retired} for cause in category.causes],
    }


def _print_taxonomy(taxonomy: list[CategoryInfo]) -> None:
    for category in taxonomy:
        flags = ["controllable" if category.controllable else "not controllable"]
        if category.retired:
            flags.append("retired")
        print(f"{category.name} ({', '.join(flags)})")
        for cause in category.causes:
            print(f"  - {cause.name}{'  [retired]' if cause.retired else ''}")
