"""The one definition of the table: local mode, the tests and `serverless/template.yaml` all use it.

One table (see docs/data-model.md): cohorts and what belongs to them in the cohort's partition,
console sessions each in their own:

- cohort           pk=COHORT#<cohort_id>  sk=COHORT
- submission       pk=COHORT#<cohort_id>  sk=SUB#<participant_hash>#<phase>
- live release     pk=COHORT#<cohort_id>  sk=RELEASED
- console session  pk=SESSION#<sha256>    sk=SESSION

The sparse index `cohorts_by_created` holds only cohort items (gsi1pk=COHORTS), newest last, so
that exports and listings find cohorts with a Query, never a Scan.
"""

from __future__ import annotations

import contextlib

COHORTS_INDEX = "cohorts_by_created"
TIME_TO_LIVE = {"AttributeName": "expires_at", "Enabled": True}  # retention: DynamoDB deletes expired items

KEY_SCHEMA = [
    {"AttributeName": "pk", "KeyType": "HASH"},
    {"AttributeName": "sk", "KeyType": "RANGE"},
]

ATTRIBUTE_DEFINITIONS = [{"AttributeName": name, "AttributeType": "S"} for name in ("pk", "sk", "gsi1pk", "gsi1sk")]

GLOBAL_SECONDARY_INDEXES = [
    {
        "IndexName": COHORTS_INDEX,
        "KeySchema": [
            {"AttributeName": "gsi1pk", "KeyType": "HASH"},
            {"AttributeName": "gsi1sk", "KeyType": "RANGE"},
        ],
        "Projection": {"ProjectionType": "ALL"},
    }
]


def table_definition(table_name: str) -> dict:
    """Arguments for DynamoDB CreateTable (on-demand billing)."""
    return {
        "TableName": table_name,
        "KeySchema": KEY_SCHEMA,
        "AttributeDefinitions": ATTRIBUTE_DEFINITIONS,
        "GlobalSecondaryIndexes": GLOBAL_SECONDARY_INDEXES,
        "BillingMode": "PAY_PER_REQUEST",
    }


def create_table(client, table_name: str) -> bool:
    """Create the table if it does not exist and wait until it is active; True when it was created."""
    existing = client.list_tables().get("TableNames", [])
    if table_name in existing:
        return False
    client.create_table(**table_definition(table_name))
    client.get_waiter("table_exists").wait(TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    # dynalite has no TTL: items keep their expires_at there and nothing deletes them locally.
    with contextlib.suppress(client.exceptions.ClientError):
        client.update_time_to_live(TableName=table_name, TimeToLiveSpecification=TIME_TO_LIVE)
    return True
