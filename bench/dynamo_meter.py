"""DynamoDB work counted at the store boundary, for the benchmarks only (never in the service).

`Meter.attach(client)` registers botocore event hooks on the store's client: one adds
`ReturnConsumedCapacity=TOTAL` to every data-plane call, one records each call's operation, its
parameters, what DynamoDB (or moto) reported as consumed, and the capacity computed from item
sizes with DynamoDB's published rules. moto's ConsumedCapacity is approximate (it does not size
items the way DynamoDB does), so both are reported.

Published rules (DynamoDB developer guide, "Read/write capacity mode" and "Item sizes"):
a write costs 1 WCU per started KB of the item; a strongly consistent read 1 RCU per started 4 KB,
an eventually consistent read half that; a Query sums the sizes of the items it reads (whole items,
even with a ProjectionExpression) and rounds the sum per page up to 4 KB.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

DATA_CALLS = {"GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan", "BatchGetItem", "BatchWriteItem"}
WRITES = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem"}


def attribute_size(value: dict) -> int:
    """Bytes of one attribute value in DynamoDB's sizing (typed JSON as the low-level client sees it)."""
    ((kind, inner),) = value.items()
    if kind == "S":
        return len(inner.encode())
    if kind == "B":
        return len(inner)
    if kind == "N":
        digits = str(Decimal(inner).normalize()).lstrip("-").replace(".", "").lstrip("0") or "0"
        return math.ceil(len(digits) / 2) + 1
    if kind in ("BOOL", "NULL"):
        return 1
    if kind in ("SS", "NS", "BS"):
        return sum(attribute_size({kind[0]: member}) for member in inner)
    if kind == "L":
        return 3 + sum(1 + attribute_size(member) for member in inner)
    if kind == "M":
        return 3 + sum(1 + len(name.encode()) + attribute_size(member) for name, member in inner.items())
    raise ValueError(f"unknown attribute type {kind}")


def item_size(item: dict) -> int:
    """Bytes of an item: the UTF-8 length of each attribute name plus its value's size."""
    return sum(len(name.encode()) + attribute_size(value) for name, value in item.items())


def write_units(size: int) -> int:
    return max(1, math.ceil(size / 1024))


def read_units(size: int, consistent: bool) -> float:
    units = max(1, math.ceil(size / 4096))
    return units if consistent else units / 2


@dataclass
class Call:
    operation: str
    params: dict
    reported: float  # ConsumedCapacity.CapacityUnits as answered (moto's approximation)
    computed: float  # from item sizes by the published rules
    items: int = 0
    error: str = ""


@dataclass
class Meter:
    """Counts calls and capacity of one botocore DynamoDB client; `reset()` between requests."""

    calls: list[Call] = field(default_factory=list)
    sizes: dict[tuple[str, str], int] = field(default_factory=dict)  # (pk, sk) -> bytes, from writes seen

    def attach(self, client) -> Meter:
        client.meta.events.register("provide-client-params.dynamodb.*", self._ask_for_capacity)
        client.meta.events.register("after-call.dynamodb.*", self._record)
        return self

    def reset(self) -> None:
        self.calls = []

    def _ask_for_capacity(self, params, model, context, **_):
        if model.name in DATA_CALLS:
            params.setdefault("ReturnConsumedCapacity", "TOTAL")
            context["bench_params"] = dict(params)

    def _record(self, http_response, parsed, model, context, **_):
        if model.name not in DATA_CALLS:
            return
        params = context.get("bench_params", {})
        consumed = parsed.get("ConsumedCapacity") or {}
        if isinstance(consumed, list):
            reported = sum(entry.get("CapacityUnits", 0) for entry in consumed)
        else:
            reported = consumed.get("CapacityUnits", 0)
        error = parsed.get("Error", {}).get("Code", "")
        computed, count = self._computed(model.name, params, parsed)
        self.calls.append(Call(model.name, params, float(reported), computed, count, error))

    def _computed(self, operation: str, params: dict, parsed: dict) -> tuple[float, int]:
        consistent = bool(params.get("ConsistentRead"))
        if operation == "PutItem":
            item = params["Item"]
            size = item_size(item)
            old = parsed.get("Item")  # a failed condition is charged for the larger of the two
            if old:
                size = max(size, item_size(old))
            else:
                self.sizes[(item["pk"]["S"], item["sk"]["S"])] = size
            return write_units(size), 1
        if operation == "UpdateItem":
            new = parsed.get("Attributes")
            return write_units(item_size(new) if new else 1), 1
        if operation == "GetItem":
            item = parsed.get("Item")
            return read_units(self._full_size(item, params) if item else 0, consistent), int(bool(item))
        if operation in ("Query", "Scan"):
            found = parsed.get("Items", [])
            if operation == "Query" and found and "sk" not in found[0]:
                total = sum(self._page_sizes(params, len(found)))
            else:
                total = sum(self._full_size(item, params) for item in found)
            return read_units(total, consistent), len(found)
        return 0.0, 0

    def _page_sizes(self, params: dict, count: int) -> list[int]:
        """Whole sizes of a Query page projected without its keys (a report reads only the scores):
        the page holds the next `count` stored items of the key condition, in sort-key order."""
        values = params.get("ExpressionAttributeValues", {})
        pk, prefix = values.get(":pk", {}).get("S"), values.get(":prefix", {}).get("S", "")
        after = params.get("ExclusiveStartKey", {}).get("sk", {}).get("S", "")
        keys = sorted(sk for (p, sk) in self.sizes if p == pk and sk.startswith(prefix) and sk > after)
        return [self.sizes[(pk, sk)] for sk in keys[:count]]

    def _full_size(self, item: dict, params: dict) -> int:
        """The whole item's size even when the answer was projected (DynamoDB charges whole items)."""
        pk = item.get("pk") or params.get("ExpressionAttributeValues", {}).get(":pk") or {}
        key = (pk.get("S"), item.get("sk", {}).get("S"))
        return max(self.sizes.get(key, 0), item_size(item))

    def summary(self) -> dict:
        reads = [c for c in self.calls if c.operation not in WRITES]
        writes = [c for c in self.calls if c.operation in WRITES]
        return {
            "calls": len(self.calls),
            "by_operation": _count(c.operation for c in self.calls),
            "read_calls": len(reads),
            "write_calls": len(writes),
            "rcu_reported": sum(c.reported for c in reads),
            "rcu_computed": sum(c.computed for c in reads),
            "wcu_reported": sum(c.reported for c in writes),
            "wcu_computed": sum(c.computed for c in writes),
            "scans": sum(c.operation == "Scan" for c in self.calls),
        }


def _count(names) -> dict[str, int]:
    counts: dict[str, int] = {}
    for name in names:
        counts[name] = counts.get(name, 0) + 1
    return counts
