"""``python -m qualepref_analysis …``: the ``qualepref`` command, where no script is on the PATH (Windows)."""

from qualepref_analysis.cli import main

if __name__ == "__main__":
    main()
