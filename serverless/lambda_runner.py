"""Run an unzipped Lambda package the way the Python Lambda runtime does, in this fresh process.

Started by serverless/package_check.py and bench/cold_start.py as

    python -I -S serverless/lambda_runner.py JOB.json

with no site-packages at all: sys.path is the package folder (/var/task on Lambda), then a folder
holding what the runtime itself provides (/var/runtime: boto3, botocore and their dependencies),
then the standard library. The job file names those folders, the environment Lambda would set
(Zappa's aws_environment_variables plus the runtime's own variables; never its environment_variables,
which its handler applies only after the import) and the handler
("handler.lambda_handler", Zappa's). Invocations are either listed in the job (batch) or, one JSON
event per line, read from stdin, each answer written as one line to the file descriptor
`answer_fd` (stdout and stderr stay the function's log, as on Lambda).

Standard library only: nothing here may come from the package or the development environment.
"""

import importlib
import json
import os
import sys
import time
import uuid


class LambdaContext:
    """What the runtime passes as `context`."""

    def __init__(self, function_name: str, memory_mb: int, timeout_s: int, region: str):
        self.aws_request_id = str(uuid.uuid4())
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = memory_mb
        self.invoked_function_arn = f"arn:aws:lambda:{region}:123456789012:function:{function_name}"
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "2020/01/01/[$LATEST]0123456789abcdef"
        self._deadline = time.monotonic() + timeout_s

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def main(job_path: str) -> None:
    started, started_cpu = time.perf_counter(), time.process_time()
    with open(job_path, encoding="utf-8") as job_file:
        job = json.load(job_file)
    sys.path[:0] = job["sys_path"]
    os.environ.update(job["environment"])
    os.chdir(job["sys_path"][0])
    module_name, function_name = job.get("handler", "handler.lambda_handler").rsplit(".", 1)
    handler = getattr(importlib.import_module(module_name), function_name)
    imported, imported_cpu = time.perf_counter(), time.process_time()

    def invoke(event: dict) -> dict:
        context = LambdaContext(
            os.environ["AWS_LAMBDA_FUNCTION_NAME"],
            int(os.environ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"]),
            int(job.get("timeout_seconds", 25)),
            os.environ["AWS_REGION"],
        )
        os.environ["_X_AMZN_TRACE_ID"] = _trace_header()
        began, began_cpu = time.perf_counter(), time.process_time()
        response = handler(event, context)
        return {
            "response": response,
            "seconds": time.perf_counter() - began,
            "cpu_seconds": time.process_time() - began_cpu,
        }

    if "invocations" in job:
        results = [invoke(event) for event in job["invocations"]]
        report = {
            "import_seconds": imported - started,
            "import_cpu_seconds": imported_cpu - started_cpu,
            "results": results,
            "modules": sorted(sys.modules),
        }
        with open(job["output"], "w", encoding="utf-8") as output:
            json.dump(report, output)
        return
    answers = os.fdopen(job["answer_fd"], "w", encoding="utf-8")
    answers.write(json.dumps({"ready": True, "import_seconds": imported - started}) + "\n")
    answers.flush()
    for line in sys.stdin:
        answers.write(json.dumps(invoke(json.loads(line)), default=str) + "\n")
        answers.flush()


def _trace_header() -> str:
    """X-Ray's header as Lambda sets it for each invocation when active tracing samples it."""
    root = f"1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]}"
    return f"Root={root};Parent={uuid.uuid4().hex[:16]};Sampled=1;Lineage=a:0"


if __name__ == "__main__":
    main(sys.argv[1])
