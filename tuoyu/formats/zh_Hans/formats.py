"""Chinese input formats, ISO first. A form renders a date with the first input format, and an HTML
``<input type="date">`` accepts only ``2026-01-01``: Django's ``2026/01/01`` would show an empty field, so a
form re-shown after an error, or an edit page, would silently drop every date it held."""

DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2026-09-05 (what a date input sends and shows)
    "%Y/%m/%d",  # 2026/09/05
    "%Y年%m月%d日",  # 2026年09月05日 (strptime also reads 2026年9月5日)
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",  # a datetime-local input
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
]
