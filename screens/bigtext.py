"""Large receipt numbers: the saved screen shows the number in block letters, readable from the queue."""

from __future__ import annotations

from rich.text import Text
from textual.geometry import Size
from textual.reactive import reactive
from textual.widget import Widget

_FONT = {
    "0": "111101101101111",
    "1": "010110010010111",
    "2": "111001111100111",
    "3": "111001111001111",
    "4": "101101111001001",
    "5": "111100111001111",
    "6": "111100111101111",
    "7": "111001001001001",
    "8": "111101111101111",
    "9": "111101111001111",
    "A": "010101111101101",
    "B": "110101110101110",
    "C": "011100100100011",
    "D": "110101101101110",
    "E": "111100110100111",
    "F": "111100110100100",
    "G": "011100101101011",
    "H": "101101111101101",
    "I": "111010010010111",
    "J": "001001001101010",
    "K": "101101110101101",
    "L": "100100100100111",
    "M": "101111111101101",
    "N": "110101101101101",
    "O": "010101101101010",
    "P": "110101110100100",
    "Q": "010101101110011",
    "R": "110101110101101",
    "S": "011100010001110",
    "T": "111010010010010",
    "U": "101101101101111",
    "V": "101101101101010",
    "W": "101101111111101",
    "X": "101101010101101",
    "Y": "101101010010010",
    "Z": "111001010100111",
    "-": "000000111000000",
    " ": "000000000000000",
}
_HALF = {(1, 1): "█", (1, 0): "▀", (0, 1): "▄", (0, 0): " "}


def big_lines(text: str) -> list[str]:
    """``text`` (upper letters, digits, dashes) as three lines of large block letters."""
    rows = ["", "", ""]
    for char in text.upper():
        bits = _FONT.get(char, _FONT[" "]) + "000"
        for row in range(3):
            top, bottom = bits[row * 6 : row * 6 + 3], bits[row * 6 + 3 : row * 6 + 6]
            rows[row] += "".join(_HALF[(int(t), int(b))] for t, b in zip(top, bottom, strict=True)) + " "
    return [r.rstrip() for r in rows]


class BigText(Widget):
    """A receipt number in large block letters, readable across the counter."""

    DEFAULT_CSS = """
    BigText {
        height: 3;
        width: auto;
    }
    """

    text = reactive("", layout=True)

    def __init__(self, text: str = "", *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.text = text

    def render(self) -> Text:
        return Text("\n".join(big_lines(self.text)))

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return max((len(line) for line in big_lines(self.text)), default=0)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 3
