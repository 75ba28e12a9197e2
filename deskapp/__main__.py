"""``python -m deskapp``: the same command line as ``deskapp`` (:func:`deskapp.cli.main`)."""

from deskapp.cli import main

raise SystemExit(main())
