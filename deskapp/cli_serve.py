"""``deskapp serve``: the desk for every counter's browser, from the host that holds the data."""

from __future__ import annotations

import argparse
import sys

from deskapp.cli import _desk as open_from_args


def cmd_serve(args: argparse.Namespace) -> int:
    """``deskapp serve``: serve the desk on the data folder of ``args`` until Ctrl+C. Exit 0 when stopped,
    2 when there is no staff list yet or the folder is refused (network filesystem, bad desk.toml)."""
    desk = open_from_args(args)  # the folder is checked (local disk) and the settings read before serving
    if not desk.config.staff:
        print("还没有人员名单：请先在这台电脑上运行 deskapp（不带子命令）建立名单，再提供服务。", file=sys.stderr)
        return 2
    from deskapp.serve import LOOPBACK, MAX_SPARES, DeskServer

    if not 0 <= args.spares <= MAX_SPARES:
        print(f"--spares 须在 0 到 {MAX_SPARES} 之间（预先启动、等候浏览器的会话数）。", file=sys.stderr)
        return 2

    if args.host != LOOPBACK:
        print(
            f"注意：受理台将对网络开放（{args.host}:{args.port}）。能访问这个地址的电脑都能打开登录页，"
            "每个人都要用自己的 PIN 登录。",
            file=sys.stderr,
        )
    desk.store.close()
    DeskServer(desk.locations.data, host=args.host, port=args.port, spares=args.spares).serve()
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``serve`` (``--host``, ``--port``, ``--spares``…) to the command line's subcommands."""
    p = sub.add_parser("serve", help="在存放数据的电脑上为各窗口的浏览器提供受理台（每人用自己的 PIN 登录）")
    p.add_argument(
        "--host",
        default="127.0.0.1",
        metavar="地址",
        help="监听的地址（默认 127.0.0.1 只有本机能打开；对科室网络开放须明确写出，例：--host 0.0.0.0）",
    )
    p.add_argument("--port", type=int, default=8000, metavar="端口", help="端口（默认 8000）")
    p.add_argument(
        "--spares",
        type=int,
        default=1,
        metavar="个数",
        help="预先启动、等候下一个浏览器的会话数（默认 1；打开页面即见登录画面；0 = 每次打开时才启动）",
    )
    p.set_defaults(func=cmd_serve)
