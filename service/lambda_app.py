"""The WSGI app Zappa's handler imports (`app_function: service.lambda_app.app`).

Built once per Lambda container, at import (Zappa's INSTANTIATE_LAMBDA_HANDLER_ON_IMPORT makes that
happen in the init phase), so the first request does not pay for it. Settings come from the
environment Zappa sets (table, stage, bucket) and the SSM parameter it names.
"""

import gc
import logging

# No garbage collection while the app is built: the imports and the app allocate only what lives as
# long as the container, and each full collection over them costs a cold start tens of milliseconds.
# Frozen afterwards, they are never scanned again.
gc.disable()

from service import observability  # noqa: E402
from service.app import create_app  # noqa: E402

# Zappa logs every request in Common Log Format: client address, user agent and the full URL
# (a trainer link carries its token). None of that may reach the logs.
logging.getLogger("zappa.wsgi").setLevel(logging.WARNING)
# Zappa sets the root logger to the stage's log level; botocore's INFO lines are noise there.
logging.getLogger("botocore").setLevel(logging.WARNING)

if observability.tracing_enabled():
    observability.tracer()  # patch botocore before the first client call

app = create_app()
gc.freeze()
gc.enable()
