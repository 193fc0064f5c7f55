"""Tools for the people who write question banks: spreadsheet template and import, publish, diff,
Moodle XML export. Only the command line imports openpyxl (lazily); `diff` is also used by the
coordinator console, so nothing here may import openpyxl at module level."""
