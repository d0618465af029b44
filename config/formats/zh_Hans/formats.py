"""Simplified Chinese: dates as 2027年2月2日, times as 14:30.

A form writes a date into its field as 2027年02月02日 (``strftime`` has no unpadded month
portable to every platform); reading accepts 2027年2月2日 as well, and the ISO form."""

DATE_FORMAT = "Y年n月j日"
YEAR_MONTH_FORMAT = "Y年n月"
SHORT_DATE_FORMAT = "Y年n月j日"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "Y年n月j日 H:i"
SHORT_DATETIME_FORMAT = "Y年n月j日 H:i"

DATE_INPUT_FORMATS = ["%Y年%m月%d日", "%Y-%m-%d", "%Y/%m/%d"]
DATETIME_INPUT_FORMATS = [
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
]
