"""``python -m deskapp.readers --worker FILE``: the child process of ``read_isolated``."""

import sys

from deskapp.readers.core import worker_main

if len(sys.argv) == 3 and sys.argv[1] == "--worker":
    raise SystemExit(worker_main(sys.argv[2:]))
sys.stderr.write("用法：deskapp read FILE…（本模块供受理台内部调用）\n")
raise SystemExit(2)
