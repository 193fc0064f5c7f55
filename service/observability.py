"""The one place the powertools Logger lives. Logs are key-value JSON and never contain tokens,
participant codes, answers, demographics, IP addresses or user agents."""

from __future__ import annotations

from aws_lambda_powertools import Logger

logger = Logger(service="assess")


# Libraries that write request bodies (answers, demographics, hashes), request lines (the trainer
# link's token) or client addresses into their DEBUG/INFO logs. They stay at WARNING whatever level
# the root logger is given (Zappa's `log_level` sets the root's), so turning on debugging cannot
# put a participant's answers into CloudWatch.
CHATTY_LIBRARIES = ("botocore", "boto3", "urllib3", "s3transfer", "werkzeug", "waitress")


def quiet_chatty_libraries() -> None:
    import logging

    for name in CHATTY_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)
