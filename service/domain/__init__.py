"""The domain: banks, scoring, codes, statistics, reports and exports — pure code on plain data,
with no Flask and no boto3, testable on its own."""
