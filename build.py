"""Build, validate and serve the open budget site. See README.md."""

from budgetsite.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
