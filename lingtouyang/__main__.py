"""The `lingtouyang` command: Django's manage.py under the project's own name."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lingtouyang.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    argv[0] = "lingtouyang"
    # Our own commands read better with dashes (`import-roster`); Django's use underscores.
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
