"""Write ``templates/annex2.xlsx``: the styling of the 附件2 export, for staff to adjust in Excel.

Run: ``.venv/bin/python tools/make_annex2_template.py [--force]``. Staff may change fonts,
column widths, borders, colours and margins in that file; row 4 is the style of every
data row. The export always writes the texts (附件2, title, headers) and the print setup
(A4 landscape, one page wide, header row on every page, page numbers) itself.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from deskapp.exports.annex2 import TEMPLATE_NAME, build_template
from deskapp.locations import templates_dir


def main() -> int:
    path = templates_dir() / TEMPLATE_NAME
    if path.exists() and "--force" not in sys.argv:
        print(f"{path} 已存在（可能已被修改过）。确需重建请加 --force。", file=sys.stderr)
        return 1
    build_template().save(path)
    print(f"已生成 {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
