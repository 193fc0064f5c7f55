"""One boto3 session per process, shared by every client the service makes (DynamoDB, S3, Lambda,
and SSM through powertools Parameters). Each new session loads botocore's endpoint and model data
again; sharing one saves about a hundred milliseconds of every Lambda cold start."""

from __future__ import annotations

import functools

import boto3


@functools.cache
def aws_session(region: str) -> boto3.session.Session:
    return boto3.session.Session(region_name=region)
