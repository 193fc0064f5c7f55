"""One boto3 session per process, shared by every client the service makes (DynamoDB, S3, Lambda,
and SSM through powertools Parameters). Each new session loads botocore's endpoint and model data
again; sharing one saves about a hundred milliseconds of every Lambda cold start.

The SSM client reads one parameter at start (the secrets) and nothing else, yet botocore would
load and build all of SSM's ~150 operations for it (~20 ms of a cold start's CPU). When the package
is built, service/coldstart.py (trim_service_models) writes a copy of SSM's service model holding only GetParameter
into `botocore_models/`, which this session searches first; without that folder (development,
tests) botocore's full model is used. Calling any other SSM operation through this session on
Lambda would fail: add it to coldstart.KEPT_OPERATIONS first.
"""

from __future__ import annotations

import functools
from pathlib import Path

import boto3
import botocore.session

MODELS = Path(__file__).resolve().parent / "botocore_models"


@functools.cache
def aws_session(region: str) -> boto3.session.Session:
    core = botocore.session.get_session()
    if MODELS.is_dir():
        # botocore's `data_path` setting (AWS_DATA_PATH): searched before its own models. Set before
        # the first client, when botocore makes its model loader.
        core.set_config_variable("data_path", str(MODELS))
    return boto3.session.Session(botocore_session=core, region_name=region)
