"""The one place the powertools Logger lives. Logs are key-value JSON and never contain tokens,
participant codes, answers, demographics, IP addresses or user agents."""

from __future__ import annotations

from aws_lambda_powertools import Logger

logger = Logger(service="assess")
