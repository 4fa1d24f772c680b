"""Numbers and counts as people read them: 3,500億ドル, $350.0B, 1 figure.
The exact numbers stay in --json and --csv; render.py uses these for tables.
"""

from __future__ import annotations


def plural(count: int, word: str) -> str:
    """1 figure, 2 figures."""
    return f"{count:,} {word}" + ("" if count == 1 else "s")


# Currencies as a Japanese post writes them after an amount.
YEN_STYLE = {
    "USD": "ドル", "JPY": "円", "EUR": "ユーロ", "GBP": "ポンド", "CNY": "元",
    "KRW": "ウォン", "INR": "ルピー", "AUD": "豪ドル", "CAD": "カナダドル",
    "HKD": "香港ドル", "SGD": "シンガポールドル", "TWD": "台湾ドル", "NZD": "NZドル",
    "CHF": "スイスフラン",
}  # fmt: skip
JAPANESE_UNITS = ((10**12, "兆"), (10**8, "億"), (10**4, "万"))
ENGLISH_UNITS = ((10**12, "T"), (10**9, "B"), (10**6, "M"), (10**3, "K"))


def japanese_number(value: float) -> str:
    """3,500億, 1.91兆, 6.83億, 25: the largest unit, at most three decimals."""
    sign, value = ("-" if value < 0 else ""), abs(value)
    for size, unit in JAPANESE_UNITS:
        if value >= size:
            return f"{sign}{value / size:,.3f}".rstrip("0").rstrip(".") + unit
    return f"{sign}{value:,.2f}".rstrip("0").rstrip(".")


def english_number(value: float) -> str:
    """350.0B, 1.9T, 683.0M, 25."""
    sign, value = ("-" if value < 0 else ""), abs(value)
    for size, unit in ENGLISH_UNITS:
        if value >= size:
            return f"{sign}{value / size:,.1f}{unit}"
    return f"{sign}{value:,.2f}".rstrip("0").rstrip(".")


def readable_amount(low: float, high: float, currency: str) -> str:
    """An amount in its own currency, Japanese style: 3,500億ドル, 10億〜20億円."""
    name = YEN_STYLE.get(currency, f" {currency}")
    if low == high:
        return japanese_number(low) + name
    return f"{japanese_number(low)}〜{japanese_number(high)}{name}"


def readable_usd(low: float | None, high: float | None = None) -> str:
    """$350.0B, $5.0B–$10.0B; empty without a rate."""
    if low is None:
        return ""
    if high is None or high == low:
        return dollars(low)
    return f"{dollars(low)}–{dollars(high)}"


def dollars(value: float) -> str:
    return ("-" if value < 0 else "") + "$" + english_number(abs(value))


def display_width(text: str) -> int:
    """Columns text takes in a terminal: wide (CJK) characters count two,
    combining marks none."""
    import unicodedata

    return sum(
        0 if unicodedata.combining(char) else 2
        if unicodedata.east_asian_width(char) in "WF" else 1
        for char in text
    )  # fmt: skip


def cut_to(text: str, width: int) -> str:
    """text cut to at most width display columns, an ellipsis marking a cut."""
    if display_width(text) <= width:
        return text
    kept = ""
    for char in text:
        if display_width(kept + char) > width - 1:
            break
        kept += char
    return kept + "…"


def pad_to(text: str, width: int, right: bool = True) -> str:
    """text padded with spaces to width display columns (right-aligned)."""
    padding = " " * max(0, width - display_width(text))
    return padding + text if right else text + padding
