"""One date format per language (``FORMAT_MODULE_PATH``): 2027-02-02 in English and
2027年2月2日 in Chinese, with the time as 14:30. Every page, the admin and the dates
written into messages (``date_format``) use them; forms accept either language's way."""
