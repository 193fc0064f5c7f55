"""An in-memory stand-in for the few DynamoDB client calls the store makes, for tests whose size
would take moto minutes (moto serializes every item of every response through botocore's model:
~15 ms per submission). The real `Store` and item mapping run on top of it; the access patterns
themselves are tested against moto elsewhere."""

from __future__ import annotations

from botocore.exceptions import ClientError


class FakeDynamoDB:
    PAGE = 1_000

    def __init__(self):
        self.items: dict[tuple[str, str], dict] = {}

    def put(self, item: dict) -> None:
        self.items[(item["pk"]["S"], item["sk"]["S"])] = item

    def put_item(self, TableName: str, Item: dict, ConditionExpression: str | None = None, **_) -> dict:
        """Only the condition a cohort is created with."""
        assert ConditionExpression in (None, "attribute_not_exists(pk)")
        if ConditionExpression and (Item["pk"]["S"], Item["sk"]["S"]) in self.items:
            raise ClientError({"Error": {"Code": "ConditionalCheckFailedException"}}, "PutItem")
        self.put(Item)
        return {}

    def get_item(self, TableName: str, Key: dict, **_) -> dict:
        item = self.items.get((Key["pk"]["S"], Key["sk"]["S"]))
        return {"Item": item} if item else {}

    def get_paginator(self, operation: str):
        assert operation == "query"
        return self

    def paginate(self, TableName, KeyConditionExpression, ExpressionAttributeValues, IndexName=None, **options):
        values = {name: value["S"] for name, value in ExpressionAttributeValues.items()}
        if IndexName:
            assert KeyConditionExpression == "gsi1pk = :kind"
            found = sorted(
                (item for item in self.items.values() if item.get("gsi1pk", {}).get("S") == values[":kind"]),
                key=lambda item: item["gsi1sk"]["S"],
                reverse=not options.get("ScanIndexForward", True),
            )
        else:
            assert KeyConditionExpression == "pk = :pk AND begins_with(sk, :prefix)"
            found = [
                item
                for (pk, sk), item in sorted(self.items.items())
                if pk == values[":pk"] and sk.startswith(values[":prefix"])
            ]
        for start in range(0, max(len(found), 1), self.PAGE):
            page = found[start : start + self.PAGE]
            yield {"Count": len(page)} if options.get("Select") == "COUNT" else {"Items": page, "Count": len(page)}
