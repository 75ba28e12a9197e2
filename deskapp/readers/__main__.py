"""``python -m deskapp.readers --worker MEMORY CPU``: the child process of ``deskapp.readers.isolate``
(MEMORY bytes of address space, CPU seconds, both set by the child on itself before it reads)."""

import sys

from deskapp.readers.isolate import worker_main

args = sys.argv[1:]
if args[:1] == ["--worker"] and len(args) == 3 and args[1].isdigit() and args[2].isdigit():
    raise SystemExit(worker_main(int(args[1]), int(args[2])))
if args == ["--worker"]:
    raise SystemExit(worker_main())
sys.stderr.write("用法：deskapp read FILE…（本模块供受理台内部调用）\n")
raise SystemExit(2)
