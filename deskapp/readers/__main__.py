"""``python -m deskapp.readers --worker``: the child process of ``deskapp.readers.isolate``."""

import sys

from deskapp.readers.isolate import worker_main

if sys.argv[1:] == ["--worker"]:
    raise SystemExit(worker_main())
sys.stderr.write("用法：deskapp read FILE…（本模块供受理台内部调用）\n")
raise SystemExit(2)
